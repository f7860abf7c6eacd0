"""JSON for the cascading address pickers: the divisions in force under a parent."""

import re

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .models import Division
from .selectors import division_options

_CODE_RE = re.compile(r"^\d{6}$")

ONE_DAY = 24 * 60 * 60


@require_GET
@cache_control(public=True, max_age=ONE_DAY)
def division_list(request: HttpRequest) -> JsonResponse:
    """``GET ?parent=630000`` → ``{"divisions": [{"code", "name", "has_children"}, …]}``.

    Without ``parent``: the provinces. A malformed code is a 400, an unknown one a 404. The table only
    changes when python-stdnum is upgraded, so shared caches may keep answers for a day.
    """
    parent_code = request.GET.get("parent") or None
    if parent_code is not None and not _CODE_RE.match(parent_code):
        return JsonResponse({"error": _("行政区划代码应为 6 位数字。")}, status=400)
    options = division_options(parent_code)
    if not options and parent_code is not None and not Division.objects.filter(code=parent_code).exists():
        return JsonResponse({"error": _("没有这个行政区划代码。")}, status=404)
    return JsonResponse(
        {"divisions": [option._asdict() for option in options]},
        json_dumps_params={"ensure_ascii": False},
    )
