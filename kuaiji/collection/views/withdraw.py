"""Withdrawing a pending submission (撤回修改): a confirm page first, so one click never withdraws.

Works without JavaScript: GET shows what will happen, the page's form posts back with ``confirm``.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .. import services
from ..constants import Status
from ..models import Submission
from .access import applicant_required


@applicant_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest) -> HttpResponse:
    submission = get_object_or_404(Submission, applicant=request.user, status=Status.PENDING)
    if request.method == "GET":
        return render(request, "collection/withdraw_confirm.html", {"submission": submission})
    if not request.POST.get("confirm"):
        # A post that did not come from the confirm page (an old page, a stray form) only asks.
        return redirect("collection:withdraw")
    try:
        services.withdraw(submission)
    except services.NotEditable as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已撤回，信息登记回到草稿状态，修改后可重新提交。")
    return redirect("collection:overview")
