"""The reviewers' pages: the queue, a submission side by side with its images, and the decision."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kuaiji.accounts.permissions import REVIEWER, may_export_full_numbers, staff_required
from kuaiji.audit.constants import AuditAction
from kuaiji.collection.constants import Status, SubmissionKind
from kuaiji.core.exporting import export_response, filter_params
from kuaiji.core.pagination import count_label

from . import selectors, services
from .constants import FLAGGABLE_SECTIONS, Outcome
from .exports import queue_export
from .models import ReasonTemplate
from .scope import get_submission_for_review, scope_departments, submissions_visible_to


@require_GET
@staff_required
def export(request):
    """The queue as filtered on the page, as XLSX or CSV (``core.exporting``)."""
    return export_response(
        request,
        kind="review_queue",
        build=queue_export,
        audit_action=AuditAction.REVIEW_QUEUE_EXPORTED,
        file_stem="review-queue",
        back_url=reverse("review:queue"),
    )


@staff_required
def queue(request):
    staff = request.user
    filters = selectors.queue_filters(request.GET)
    result = selectors.review_queue(
        staff=staff, filters=filters, page=request.GET.get("page"), request=request
    )
    return render(
        request,
        "review/queue.html",
        {
            "rows": result.rows,
            "page": result.page,
            "statuses": Status.choices,
            "kinds": SubmissionKind.choices,
            "department_options": [
                (department.division_id, department.name) for department in scope_departments(staff)
            ],
            "count_label": count_label(result.page.paginator),
            "filters": request.GET,
            "today": timezone.localdate(),
            "export_params": filter_params(request.GET),
            "export_inline_rows": settings.KUAIJI_EXPORT_INLINE_ROWS,
            "may_export_full_numbers": may_export_full_numbers(staff),
        },
    )


@staff_required
def detail(request, submission_uuid):
    staff = request.user
    review = selectors.review_detail(staff=staff, submission_uuid=submission_uuid, request=request)
    submission = review.submission
    other_submissions = (
        submissions_visible_to(staff).filter(applicant=submission.applicant).exclude(pk=submission.pk)
    )
    return render(
        request,
        "review/detail.html",
        {
            "submission": submission,
            "revision": review.revision,
            "sections": review.differences if review.is_change else review.sections,
            "is_change": review.is_change,
            "images": [(item.label, item.attachment) for item in review.attachments],
            "card": review.card,
            "history": [(item.event, item.label) for item in review.history],
            "return_reason": review.return_reason,
            "since_return": [part for part in review.since_return or [] if part.changed],
            "other_submissions": other_submissions,
            "can_decide": review.can_decide,
            "outcomes": Outcome.choices,
            "flaggable": FLAGGABLE_SECTIONS,
            "reasons": ReasonTemplate.objects.filter(is_active=True),
            "decision_error": request.session.pop("decision_error", ""),
            "decision_form": request.session.pop("decision_form", {}),
        },
    )


@staff_required(role=REVIEWER)
@require_POST
def decide(request, submission_uuid):
    staff = request.user
    submission = get_submission_for_review(staff, submission_uuid, to_decide=True)
    try:
        services.decide(
            reviewer=staff,
            submission=submission,
            expected_version=int(request.POST.get("version", 0)),
            outcome=request.POST.get("outcome", ""),
            reason=request.POST.get("reason", ""),
            flagged_sections=request.POST.getlist("flagged"),
            request=request,
        )
    except services.AlreadyDecided:
        messages.error(request, "该记录已由其他审核员处理（或已被申请人撤回），本次决定未保存。")
        return redirect("review:detail", submission_uuid=submission.uuid)
    except (ValidationError, ValueError) as error:
        # Keep what the reviewer chose and typed for the page they come back to.
        request.session["decision_form"] = {
            "outcome": request.POST.get("outcome", ""),
            "reason": request.POST.get("reason", ""),
            "flagged": request.POST.getlist("flagged"),
        }
        request.session["decision_error"] = (
            error.messages[0] if isinstance(error, ValidationError) else "请选择审核结论"
        )
        return redirect(reverse("review:detail", args=[submission.uuid]) + "#decision")
    messages.success(
        request, f"已{dict(Outcome.choices)[request.POST['outcome']]}：{submission.applicant.full_name}。"
    )
    following = selectors.next_to_decide(staff=staff)
    if following is not None:
        return redirect("review:detail", submission_uuid=following.uuid)
    return redirect("review:queue")


@staff_required
def attachment_file(request, submission_uuid, attachment_uuid):
    return selectors.review_attachment(
        staff=request.user, submission_uuid=submission_uuid, attachment_uuid=attachment_uuid, request=request
    )
