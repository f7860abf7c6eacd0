"""The reviewers' pages: the queue, a submission side by side with its images, and the decision."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kuaiji.accounts.permissions import REVIEWER, has_role, staff_required
from kuaiji.audit.models import AuditEvent
from kuaiji.audit.services import record_event
from kuaiji.calendar.selectors import working_days_between
from kuaiji.collection.attachments import required_attachments
from kuaiji.collection.constants import EVENT_LABELS, Status, SubmissionKind
from kuaiji.collection.models import Attachment
from kuaiji.collection.sections import SECTION_FORMS
from kuaiji.core.storage import private_file_response
from kuaiji.core.validators import mask_document_number

from . import services
from .constants import FLAGGABLE_SECTIONS, Outcome
from .models import ReasonTemplate
from .scope import (
    departments_in_scope,
    get_submission_for_review,
    submissions_to_decide,
    submissions_visible_to,
)

DUE_SOON_WORKING_DAYS = 1
HISTORY_LABELS = {**EVENT_LABELS, "staff.viewed_submission": "查看记录"}


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@staff_required
def queue(request):
    staff = request.user
    status = request.GET.get("status", Status.PENDING)
    submissions = submissions_visible_to(staff).select_related("applicant", "department")
    if status in Status.values:
        submissions = submissions.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in SubmissionKind.values:
        submissions = submissions.filter(kind=kind)
    departments = departments_in_scope(staff).order_by("division_id")
    department = request.GET.get("department", "")
    if department.isdigit():
        submissions = submissions.filter(department_id=int(department))
    submitted_from = _parse_date(request.GET.get("from", ""))
    submitted_to = _parse_date(request.GET.get("to", ""))
    if submitted_from:
        submissions = submissions.filter(submitted_at__date__gte=submitted_from)
    if submitted_to:
        submissions = submissions.filter(submitted_at__date__lte=submitted_to)
    query = request.GET.get("q", "").strip()
    if query:
        submissions = submissions.filter(
            Q(applicant__full_name__contains=query) | Q(applicant__document_number=query.upper())
        )
    submissions = submissions.order_by("due_on", "submitted_at", "id")
    page = Paginator(submissions, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = []
    for submission in page.object_list:
        submitted_on = (
            timezone.localtime(submission.submitted_at).date() if submission.submitted_at else today
        )
        left = working_days_between(start=today, end=submission.due_on) if submission.due_on else None
        rows.append(
            {
                "submission": submission,
                "masked_document_number": mask_document_number(submission.applicant.document_number or ""),
                "waited": working_days_between(start=submitted_on, end=today),
                "overdue": submission.status == Status.PENDING
                and submission.due_on
                and submission.due_on < today,
                "due_soon": submission.status == Status.PENDING
                and submission.due_on
                and submission.due_on >= today
                and (left or 0) <= DUE_SOON_WORKING_DAYS,
            }
        )
    record_event(action="staff.viewed_queue", actor=staff, request=request, details={"count": len(rows)})
    return render(
        request,
        "review/queue.html",
        {
            "rows": rows,
            "page": page,
            "statuses": Status.choices,
            "kinds": SubmissionKind.choices,
            "departments": departments,
            "filters": request.GET,
            "today": today,
        },
    )


def _section_rows(answers: dict) -> list[dict]:
    return [
        {"key": key, "title": form.title, "rows": form.rows(answers[key]) if key in answers else []}
        for key, form in SECTION_FORMS.items()
    ]


def _with_differences(current: list[dict], previous: list[dict] | None) -> list[dict]:
    """Mark each row whose value differs from the approved version the change started from."""
    if previous is None:
        return current
    before = {(part["key"], label): value for part in previous for label, value in part["rows"]}
    for part in current:
        part["rows"] = [
            (label, value, before.get((part["key"], label)), before.get((part["key"], label)) != value)
            for label, value in part["rows"]
        ]
        part["changed"] = any(row[3] for row in part["rows"])
    return current


@staff_required
def detail(request, submission_uuid):
    staff = request.user
    submission = get_submission_for_review(staff, submission_uuid)
    revision = submission.revisions.order_by("-number").first()
    if revision is None:
        raise Http404
    sections = _section_rows(revision.answers)
    previous = _section_rows(submission.based_on.answers) if submission.based_on is not None else None
    if previous is not None:
        sections = _with_differences(sections, previous)
    requirements = required_attachments(revision.answers)
    labels = {req.slot: req.label for req in requirements}
    labels["portrait"] = "一寸照片"
    order = {req.slot: index for index, req in enumerate(requirements, start=1)}
    order["portrait"] = 0
    attachments = sorted(revision.attachments.all(), key=lambda a: (order.get(a.slot, 99), a.created_at))
    images = [(labels.get(a.slot, a.slot), a) for a in attachments]
    history = [
        (event, HISTORY_LABELS.get(event.action, event.action))
        for event in AuditEvent.objects.filter(
            target_type="collection.submission", target_id=str(submission.uuid)
        )
        .exclude(action="staff.viewed_attachment")
        .select_related("actor")
        .order_by("occurred_at", "id")
    ]
    other_submissions = (
        submissions_visible_to(staff).filter(applicant=submission.applicant).exclude(pk=submission.pk)
    )
    record_event(action="staff.viewed_submission", actor=staff, target=submission, request=request)
    return render(
        request,
        "review/detail.html",
        {
            "submission": submission,
            "revision": revision,
            "sections": sections,
            "is_change": previous is not None,
            "images": images,
            "history": history,
            "other_submissions": other_submissions,
            "can_decide": submission.status == Status.PENDING
            and has_role(staff, REVIEWER)
            and submissions_to_decide(staff).filter(pk=submission.pk).exists(),
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
    following = (
        submissions_visible_to(staff)
        .filter(status=Status.PENDING)
        .order_by("due_on", "submitted_at", "id")
        .first()
    )
    if following is not None:
        return redirect("review:detail", submission_uuid=following.uuid)
    return redirect("review:queue")


@staff_required
def attachment_file(request, submission_uuid, attachment_uuid):
    submission = get_submission_for_review(request.user, submission_uuid)
    attachment = Attachment.objects.filter(uuid=attachment_uuid, revisions__submission=submission).first()
    if attachment is None:
        raise Http404
    record_event(
        action="staff.viewed_attachment",
        actor=request.user,
        target=submission,
        request=request,
        details={"attachment": str(attachment.uuid), "slot": attachment.slot},
    )
    return private_file_response(
        attachment.file, download_name=f"{attachment.slot}{attachment.file.name[-4:]}", inline=True
    )
