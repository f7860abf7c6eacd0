"""The notice and an applicant's submissions, as the collection steps read them."""

from typing import TYPE_CHECKING

from ..constants import OPEN_STATUSES, Status
from ..models import Notice, Revision, Submission

if TYPE_CHECKING:
    from kuaiji.accounts.models import User


def current_notice() -> Notice | None:
    return Notice.objects.order_by("-version").first()


def open_submission(applicant: "User") -> Submission | None:
    submission = Submission.objects.filter(applicant=applicant, status__in=OPEN_STATUSES).first()
    if submission is not None:
        submission.applicant = applicant  # the caller's row: not loaded a second time
    return submission


def latest_submission(applicant: "User") -> Submission | None:
    submission = (
        Submission.objects.filter(applicant=applicant)
        .select_related("department")
        .order_by("-created_at")
        .first()
    )
    if submission is not None:
        submission.applicant = applicant  # the caller's row: not loaded a second time
    return submission


def latest_approved_revision(applicant: "User") -> Revision | None:
    submission = (
        Submission.objects.filter(applicant=applicant, status=Status.APPROVED).order_by("-decided_at").first()
    )
    return submission.revisions.order_by("-number").first() if submission else None
