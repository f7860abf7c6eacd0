"""What reviewers read: the queue, a submission, an attachment — one function each, called by the review
pages and the staff API alike, so the two cannot show different things.

Each read of personal data is audited here (``staff.viewed_queue``, ``staff.viewed_submission``,
``staff.viewed_attachment``); interfaces pass ``details`` (the API adds ``{"via": "api"}``). Scope comes
from ``kuaiji.review.scope``: out of scope and missing give the same 404.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol
from uuid import UUID

from django.core.paginator import Page
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone

from kuaiji.accounts.permissions import REVIEWER, has_role
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.models import AuditEvent
from kuaiji.audit.services import record_event
from kuaiji.calendar.selectors import WorkingDayTable, is_past_due, working_days_between
from kuaiji.collection.constants import EVENT_LABELS, Status, SubmissionKind
from kuaiji.collection.identity_photos import ID_FRONT_SLOT
from kuaiji.collection.models import Attachment, Revision, Submission, reference_of, uuid_range_of_reference
from kuaiji.collection.selectors import LabelledAttachment, attachment_file_response, ordered_attachments
from kuaiji.collection.summary import Section, SectionDifference, difference, section_rows
from kuaiji.core.pagination import capped_values_page
from kuaiji.core.validators import has_control_characters, mask_document_number, normalise_document_number
from kuaiji.recognition.selectors import CardCheck, card_check, reading_of
from kuaiji.regions.scope import scope_department

from .scope import (
    get_submission_for_review,
    submissions_to_decide,
    submissions_visible_to,
)

PAGE_SIZE = 50
DUE_SOON_WORKING_DAYS = 1
QUEUE_ORDER = ("due_on", "submitted_at", "id")
# What a queue row shows (the page and the API), in ``_queue_item``'s order: never the answers JSON.
QUEUE_ITEM_FIELDS = (
    "uuid",
    "kind",
    "status",
    "submitted_at",
    "due_on",
    "applicant__full_name",
    "applicant__document_number",
    "department__division_id",
    "department__name",
)
HISTORY_LABELS = {**EVENT_LABELS, AuditAction.STAFF_VIEWED_SUBMISSION: "查看记录"}
# Image reads are audited but would drown the history a reviewer reads.
HISTORY_LEAVES_OUT = (AuditAction.STAFF_VIEWED_ATTACHMENT,)


class DueDated(Protocol):
    """What the due rules read: a ``Submission`` or a queue's ``QueueItem``."""

    @property
    def status(self) -> str: ...

    @property
    def due_on(self) -> date | None: ...


def is_overdue(submission: DueDated, *, today: date) -> bool:
    """Pending with a due date before ``today`` (due today is not yet overdue). The same rule as
    ``kuaiji.review.overdue.overdue_submissions``, which applies it to a queryset."""
    return submission.status == Status.PENDING and is_past_due(submission.due_on, today=today)


def is_due_soon(submission: DueDated, *, today: date, table: WorkingDayTable | None = None) -> bool:
    """Pending, not overdue, and due within ``DUE_SOON_WORKING_DAYS`` working days (counted on ``table``
    when the caller read one for a whole page)."""
    if submission.status != Status.PENDING or not submission.due_on or submission.due_on < today:
        return False
    count = table.between if table is not None else working_days_between
    return count(start=today, end=submission.due_on) <= DUE_SOON_WORKING_DAYS


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters as the interfaces parsed them; ``None`` / blank means "any"."""

    status: str | None = Status.PENDING
    kind: str | None = None
    department_code: str | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None
    q: str = ""


class QueueDepartment(NamedTuple):
    """The reviewing department of a queue row: what the page and the API show of it."""

    division_id: str
    name: str


class QueueItem(NamedTuple):
    """A queue row's submission as read with ``values_list``: plain values, no model instances (a page of
    Submission, User and Department instances cost about a tenth of the page)."""

    uuid: UUID
    reference: str
    kind: str
    status: str
    submitted_at: datetime | None
    due_on: date | None
    full_name: str
    # Masked as it is read: a list never holds a whole number.
    masked_document_number: str
    # None without a reviewing department: routing always sets one, but the column allows none.
    department: QueueDepartment | None


def _queue_item(values: tuple[Any, ...]) -> QueueItem:
    """A row of ``QUEUE_ITEM_FIELDS`` as a ``QueueItem``."""
    submission_uuid, kind, status, submitted_at, due_on, full_name, document_number = values[:7]
    division_id, department_name = values[7:]
    return QueueItem(
        uuid=submission_uuid,
        reference=reference_of(submission_uuid),
        kind=kind,
        status=status,
        submitted_at=submitted_at,
        due_on=due_on,
        full_name=full_name,
        masked_document_number=mask_document_number(document_number or ""),
        # A missing department reads as NULL in both columns (a LEFT OUTER JOIN).
        department=QueueDepartment(division_id=division_id, name=department_name)
        if division_id is not None
        else None,
    )


@dataclass(frozen=True)
class QueueRow:
    item: QueueItem
    waited: int
    overdue: bool
    due_soon: bool
    # The labels, translated once a page (``get_kind_display`` per row hashes the lazy choices each time).
    kind_label: str = ""
    status_label: str = ""


@dataclass(frozen=True)
class QueuePage:
    page: Page[QueueItem]
    rows: list[QueueRow]


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def queue_filters(params: Any) -> QueueFilters:
    """The page's query string as queue filters: unknown values are ignored, the default is 待审核."""
    status = params.get("status", Status.PENDING)
    kind = params.get("kind", "")
    department = params.get("department", "")
    return QueueFilters(
        status=status if status in Status.values else None,
        kind=kind if kind in SubmissionKind.values else None,
        department_code=department if department.isdigit() and len(department) == 6 else None,
        submitted_from=_parse_date(params.get("from", "")),
        submitted_to=_parse_date(params.get("to", "")),
        q=params.get("q", "")[:60],
    )


def _search(submissions: QuerySet[Submission], text: str) -> QuerySet[Submission]:
    """A part of the name, the whole document number (normalised as typed), or the 登记编号."""
    query = Q(applicant__full_name__contains=text)
    number = normalise_document_number(text)
    if number:
        query |= Q(applicant__document_number=number)
    if references := uuid_range_of_reference(number):
        query |= Q(uuid__gte=references[0], uuid__lte=references[1])
    return submissions.filter(query)


def queue_submissions(*, staff: Any, filters: QueueFilters) -> QuerySet[Submission]:
    """The submissions in scope matching the filters, the most urgent first. A department outside the
    scope, or a search with control characters, gives no rows (never an error)."""
    submissions = submissions_visible_to(staff)
    if filters.status:
        submissions = submissions.filter(status=filters.status)
    if filters.kind:
        submissions = submissions.filter(kind=filters.kind)
    if filters.department_code:
        department = scope_department(staff, division_code=filters.department_code)
        submissions = submissions.filter(department=department) if department else submissions.none()
    if filters.submitted_from:
        submissions = submissions.filter(submitted_at__date__gte=filters.submitted_from)
    if filters.submitted_to:
        submissions = submissions.filter(submitted_at__date__lte=filters.submitted_to)
    if text := filters.q.strip():
        submissions = submissions.none() if has_control_characters(text) else _search(submissions, text)
    return submissions.order_by(*QUEUE_ORDER)


def review_queue(
    *,
    staff: Any,
    filters: QueueFilters,
    page: Any,
    request: HttpRequest,
    details: dict[str, Any] | None = None,
) -> QueuePage:
    """One page of the queue (an invalid or too-large page number gives the nearest page), document
    numbers masked, with waiting time and due badges. Audited as ``staff.viewed_queue``.

    What it costs whatever the scope: a count that stops at ``COUNT_CAP``, the page's ids (an index-only
    read), the page's rows with what a row shows (with a single page of matches, read at once), one cache
    read for the working days of the dates the page spans, and the audit row. The rows are plain values
    (``QueueItem``), not model instances."""
    matching = queue_submissions(staff=staff, filters=filters)
    current = capped_values_page(
        matching, page, per_page=PAGE_SIZE, fields=QUEUE_ITEM_FIELDS, make=_queue_item
    )
    items: list[QueueItem] = list(current.object_list)
    today = timezone.localdate()
    submitted_on = [
        timezone.localtime(item.submitted_at).date() if item.submitted_at else today for item in items
    ]
    dates = [today, *submitted_on, *(item.due_on for item in items if item.due_on)]
    table = WorkingDayTable(first=min(dates), last=max(dates))
    kind_labels = {value: str(label) for value, label in SubmissionKind.choices}
    status_labels = {value: str(label) for value, label in Status.choices}
    rows = [
        QueueRow(
            item=item,
            waited=table.between(start=started_on, end=today),
            overdue=is_overdue(item, today=today),
            due_soon=is_due_soon(item, today=today, table=table),
            kind_label=kind_labels.get(item.kind, item.kind),
            status_label=status_labels.get(item.status, item.status),
        )
        for item, started_on in zip(items, submitted_on, strict=True)
    ]
    record_event(
        action=AuditAction.STAFF_VIEWED_QUEUE,
        actor=staff,
        request=request,
        details={**(details or {}), "count": len(rows)},
    )
    return QueuePage(page=current, rows=rows)


def next_to_decide(*, staff: Any) -> Submission | None:
    """The most urgent pending submission the staff member may decide (opened after a decision)."""
    return submissions_to_decide(staff).filter(status=Status.PENDING).order_by(*QUEUE_ORDER).first()


@dataclass(frozen=True)
class HistoryItem:
    event: AuditEvent
    label: str


@dataclass(frozen=True)
class ReviewDetail:
    submission: Submission
    revision: Revision
    sections: list[Section]
    # A change or transfer: each row against the approved version it started from; else None.
    differences: list[SectionDifference] | None
    attachments: list[LabelledAttachment]
    history: list[HistoryItem]
    can_decide: bool
    # A resubmission after a return: the reason, and what changed since the returned revision.
    return_reason: str = ""
    since_return: list[SectionDifference] | None = field(default=None)
    # What was read off the photo of the card's front, against the name submitted and the account's number.
    card: CardCheck | None = None

    @property
    def is_change(self) -> bool:
        return self.differences is not None


def submission_history(submission: Submission) -> list[HistoryItem]:
    """What happened to the submission, oldest first, staff reads of images left out."""
    events = (
        AuditEvent.objects.filter(target_type="collection.submission", target_id=str(submission.uuid))
        .exclude(action__in=HISTORY_LEAVES_OUT)
        .select_related("actor")
        .order_by("occurred_at", "id")
    )
    return [
        HistoryItem(event=event, label=HISTORY_LABELS.get(event.action, event.action)) for event in events
    ]


def _last_return(submission: Submission, revision: Revision) -> Any:
    """The decision that returned the revision before ``revision``, when this one is its resubmission."""
    from .constants import Outcome
    from .models import Decision

    decision = (
        Decision.objects.filter(submission=submission, revision__number__lt=revision.number)
        .select_related("revision")
        .order_by("-revision__number")
        .first()
    )
    return decision if decision is not None and decision.outcome == Outcome.RETURN else None


def front_card_check(
    submission: Submission, revision: Revision, attachments: list[LabelledAttachment]
) -> CardCheck | None:
    """The reading of the revision's photo of the card's front (the first, if several), compared with the
    name it gives and the account's document; None without such a photo or a reading. One query."""
    front = next((item.attachment for item in attachments if item.attachment.slot == ID_FRONT_SLOT), None)
    if front is None:
        return None
    applicant = submission.applicant
    return card_check(
        reading_of(front.sha256),
        typed_name=revision.answers.get("personal", {}).get("full_name") or applicant.full_name,
        typed_number=applicant.document_number or "",
        document_type=applicant.document_type or "",
    )


def can_decide(*, staff: Any, submission: Submission) -> bool:
    return (
        submission.status == Status.PENDING
        and has_role(staff, REVIEWER)
        and submissions_to_decide(staff).filter(pk=submission.pk).exists()
    )


def review_detail(
    *, staff: Any, submission_uuid: Any, request: HttpRequest, details: dict[str, Any] | None = None
) -> ReviewDetail:
    """A submission in scope as the reviewer sees it: its latest revision's sections (and, for a change
    or transfer, the difference from the approved version), the attachments in display order, the
    history, and for a resubmission the return reason and what changed since. 404 outside the scope or
    without a revision. Audited as ``staff.viewed_submission``."""
    submission = get_submission_for_review(staff, submission_uuid)
    revision = submission.revisions.order_by("-number").first()
    if revision is None:
        raise Http404
    sections = section_rows(revision.answers)
    differences = (
        difference(section_rows(submission.based_on.answers), sections)
        if submission.based_on is not None
        else None
    )
    returned = _last_return(submission, revision)
    record_event(
        action=AuditAction.STAFF_VIEWED_SUBMISSION,
        actor=staff,
        target=submission,
        request=request,
        details=details,
    )
    attachments = ordered_attachments(revision)
    return ReviewDetail(
        submission=submission,
        revision=revision,
        sections=sections,
        differences=differences,
        attachments=attachments,
        card=front_card_check(submission, revision, attachments),
        history=submission_history(submission),
        can_decide=can_decide(staff=staff, submission=submission),
        return_reason=returned.reason if returned else "",
        since_return=difference(section_rows(returned.revision.answers), sections) if returned else None,
    )


def review_attachment(
    *,
    staff: Any,
    submission_uuid: Any,
    attachment_uuid: Any,
    request: HttpRequest,
    details: dict[str, Any] | None = None,
) -> FileResponse:
    """The gate for a submission's image: the submission in scope, the attachment one of its revisions'.
    The same 404 otherwise. Audited as ``staff.viewed_attachment``; an image is shown inline, anything
    else sent as a download."""
    submission = get_submission_for_review(staff, submission_uuid)
    attachment = Attachment.objects.filter(uuid=attachment_uuid, revisions__submission=submission).first()
    if attachment is None:
        raise Http404
    record_event(
        action=AuditAction.STAFF_VIEWED_ATTACHMENT,
        actor=staff,
        target=submission,
        request=request,
        details={**(details or {}), "attachment": str(attachment.uuid), "slot": attachment.slot},
    )
    return attachment_file_response(attachment)
