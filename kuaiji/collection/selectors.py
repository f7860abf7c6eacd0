"""Reads across submissions that other apps and pages need."""

from dataclasses import dataclass
from datetime import datetime

from .constants import EVENT_LABELS, Status
from .models import Revision, Submission

KNOWN_EMPLOYER_FIELDS = ("employer_name", "employer_nature", "employer_division", "employer_address")


def known_employer(credit_code: str) -> dict[str, str] | None:
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


def submission_history(submission: Submission) -> list[HistoryEntry]:
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
