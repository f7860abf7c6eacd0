"""The notice (阅读须知): accepted as the wizard's first step, and readable before signing in."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kuaiji.core.http import posted_version

from .. import services
from ..constants import EDITABLE_STATUSES
from .access import applicant_required, editable_submission, next_step_url, progress, warn_conflict


def public_notice(request: HttpRequest) -> HttpResponse:
    # The same notice the wizard asks the applicant to accept: one read, no copy of its text.
    return render(request, "collection/public_notice.html", {"notice": services.current_notice()})


@applicant_required
def notice(request):
    submission = editable_submission(request)
    current = services.current_notice()
    error = ""
    if request.method == "POST" and submission.status in EDITABLE_STATUSES:
        if not request.POST.get("read"):
            error = "请阅读须知后勾选“我已阅读并知晓”"
        elif current is None:
            error = "须知尚未发布，请稍后再试"
        else:
            try:
                services.accept_notice(submission, notice=current, expected_version=posted_version(request))
            except services.DraftConflict:
                warn_conflict(request)
                submission.refresh_from_db()
            else:
                return redirect(next_step_url("notice"))
    return render(
        request,
        "collection/notice.html",
        {"submission": submission, "notice": current, "error": error, **progress(submission, "notice")},
        status=400 if error else 200,
    )
