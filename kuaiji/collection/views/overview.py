"""The applicant's home (overview), starting a collection, a change or a transfer, and the task list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kuaiji.core.validators import mask_document_number, mask_mobile

from .. import form_status, services
from ..constants import EDITABLE_STATUSES, SectionState, SubmissionKind
from ..selectors import applicant_status, task_states
from ..windows import submission_window
from .access import applicant_required, step_url


@applicant_required
def overview(request):
    """The applicant's home: status, department, due date, history and reasons; or a start button."""
    user = request.user
    status = applicant_status(user)  # the same read as GET /api/v1/me/submission
    context = {
        "submission": status.submission if status else None,
        "masked_document_number": mask_document_number(user.document_number or ""),
        "masked_mobile": mask_mobile(user.mobile) if user.mobile else "",
    }
    context["notifications"] = list(user.notifications.all()[:5])
    if status is not None:
        context["history"] = [(entry.at, entry.label) for entry in status.history]
        context["editable"] = status.editable
        context["can_change"] = status.can_change
        if status.editable:
            context["window"] = submission_window(status.submission)
    return render(request, "collection/overview.html", context)


@applicant_required
@require_POST
def start(request):
    try:
        services.start_collection(request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("collection:overview")
    return redirect("collection:tasks")


@applicant_required
@require_POST
def start_change(request):
    kind = (
        SubmissionKind.TRANSFER
        if request.POST.get("kind") == SubmissionKind.TRANSFER
        else SubmissionKind.CHANGE
    )
    try:
        services.start_change(request.user, kind=kind)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("collection:overview")
    if kind == SubmissionKind.TRANSFER:
        messages.success(
            request,
            "已创建调转草稿：请在“工作单位与会计管理部门”中填写新的工作单位并选择调入的会计管理部门。",
        )
        return redirect("collection:section", section="employer")
    messages.success(request, "已根据您审核通过的信息创建变更草稿，请修改需要变更的部分后提交。")
    return redirect("collection:tasks")


@applicant_required
def tasks(request):
    submission = services.open_submission(request.user)
    if submission is None:
        return redirect("collection:overview")
    states = task_states(submission)
    sections = [
        {
            "key": key,
            "title": title,
            "url": step_url(key),
            "state": states[key],
            "label": SectionState(states[key]).label,
        }
        for key, title in services.SECTION_TITLES.items()
    ]
    done = sum(1 for item in sections if item["state"] == SectionState.COMPLETED)
    return render(
        request,
        "collection/tasks.html",
        {
            "submission": submission,
            "sections": sections,
            "done": done,
            "total": len(sections),
            "signed_form_out_of_date": form_status.signed_form_out_of_date(submission),
            "out_of_date_message": form_status.out_of_date_message(submission),
            "editable": submission.status in EDITABLE_STATUSES,
        },
    )
