"""The audit log search, for platform administrators and auditors. Read only: nothing here changes an
entry, and every search is itself recorded (``audit.searched``)."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kuaiji.accounts.permissions import staff_required

from .constants import AuditAction
from .forms import AuditSearchForm
from .permissions import can_search_audit
from .selectors import search_audit_events
from .services import record_event

PAGE_SIZE = 50


@require_GET
@staff_required
def search(request):
    if not can_search_audit(request.user):
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None)
    filters = {}
    if form.is_bound:
        form.is_valid()
        # Valid filters apply even when another one is wrong; the wrong one is shown next to its field.
        filters = {name: value for name, value in form.cleaned_data.items() if value}
    page = Paginator(search_audit_events(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    events = list(page.object_list)
    record_event(
        action=AuditAction.AUDIT_SEARCHED,
        actor=request.user,
        request=request,
        details={
            "filters": {name: str(value) for name, value in filters.items()},
            "page": page.number,
            "count": page.paginator.count,
        },
    )
    return render(request, "audit/search.html", {"form": form, "page": page, "events": events})
