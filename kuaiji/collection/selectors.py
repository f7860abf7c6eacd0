"""Reads across submissions that other apps and pages need."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import FileResponse

from .constants import EVENT_LABELS, Status
from .models import Revision

KNOWN_EMPLOYER_FIELDS = ("employer_name", "employer_nature", "employer_division", "employer_address")


def known_employer(credit_code: str) -> dict[str, Any] | None:
    """What the latest approved record says about the unit with ``credit_code`` (name, nature, region,
    address), or None. Organisational facts only — nothing about the person who entered them."""
    if not credit_code:
        return None
    revision = (
        Revision.objects.filter(
            submission__status=Status.APPROVED, answers__employer__credit_code=credit_code
        )
        .order_by("-submitted_at")
        .only("answers")
        .first()
    )
    if revision is None:
        return None
    employer = revision.answers.get("employer", {})
    return {field: employer.get(field, "") for field in KNOWN_EMPLOYER_FIELDS}


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    action: str
    label: str


def submission_history(submission: Any) -> list[HistoryEntry]:
    """What happened to a submission, oldest first, as its applicant sees it (the pages and the API).

    Only the steps of the submission itself: what staff looked at is not the applicant's business."""
    from kuaiji.audit.models import AuditEvent

    events = AuditEvent.objects.filter(
        target_type="collection.submission", target_id=str(submission.uuid), action__in=EVENT_LABELS
    ).order_by("occurred_at", "id")
    return [
        HistoryEntry(at=event.occurred_at, action=event.action, label=EVENT_LABELS[event.action])
        for event in events.only("occurred_at", "action")
    ]


@dataclass(frozen=True)
class LabelledAttachment:
    label: str
    attachment: Any


def ordered_attachments(revision: Revision) -> list[LabelledAttachment]:
    """A revision's attachments in display order (the 1-inch photo, then the order of
    ``required_attachments``, a slot no longer asked for last), each with its label. The review page,
    the staff API and the archive record all list attachments through this."""
    from .attachments import attachment_labels, display_order

    labels = attachment_labels(revision.answers)
    order = display_order(revision.answers)
    attachments = sorted(
        revision.attachments.all(),
        key=lambda item: (order.get(item.slot, len(order)), item.created_at, item.pk),
    )
    return [
        LabelledAttachment(label=labels.get(item.slot, item.slot), attachment=item) for item in attachments
    ]


def attachment_file_response(attachment: Any) -> FileResponse:
    """An attachment's file for staff who passed a gate: an image inline, anything else as a download."""
    from kuaiji.core.storage import private_file_response

    name = f"{attachment.slot}{attachment.file.name[-4:]}"
    try:
        return private_file_response(attachment.file, download_name=name, inline=True)
    except ValueError:  # not an image: sent as a download instead of shown
        return private_file_response(attachment.file, download_name=name)


@dataclass(frozen=True)
class ApplicantStatus:
    """Where an applicant's latest submission stands, as the overview page and ``GET /me/submission``
    both show it."""

    submission: Any
    history: list[HistoryEntry]
    editable: bool  # draft or returned: the wizard accepts changes
    can_change: bool  # decided, with an approved version to start a change or transfer from
    flagged_sections: set[str]


def applicant_status(user: Any) -> ApplicantStatus | None:
    """The applicant's latest submission and what they may do next; None before the first one."""
    from . import services
    from .constants import EDITABLE_STATUSES

    submission = services.latest_submission(user)
    if submission is None:
        return None
    return ApplicantStatus(
        submission=submission,
        history=submission_history(submission),
        editable=submission.status in EDITABLE_STATUSES,
        can_change=submission.status in (Status.APPROVED, Status.REFUSED)
        and services.latest_approved_revision(user) is not None,
        flagged_sections=services.flagged_sections(submission),
    )
