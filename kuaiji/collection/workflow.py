"""The submission state table and the one function that changes a submission's status.

Every status change (submit, resubmit, withdraw, approve, return, refuse) goes through ``transition``: it
checks the table, updates the row on the condition that status and version are still what the caller read
(so of two reviewers, or two tabs, exactly one wins — on SQLite and PostgreSQL alike, without relying on
row locks), writes the audit event in the same transaction and schedules the notification on commit.
"""

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event

from .constants import Status
from .models import Submission

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kuaiji.accounts.models import User

# from-status → {to-status: the audit action that names the step}
TRANSITIONS: dict[Status, dict[Status, AuditAction]] = {
    Status.DRAFT: {Status.PENDING: AuditAction.SUBMISSION_SUBMITTED},
    Status.RETURNED: {Status.PENDING: AuditAction.SUBMISSION_RESUBMITTED},
    Status.PENDING: {
        Status.DRAFT: AuditAction.SUBMISSION_WITHDRAWN,
        Status.APPROVED: AuditAction.SUBMISSION_APPROVED,
        Status.RETURNED: AuditAction.SUBMISSION_RETURNED,
        Status.REFUSED: AuditAction.SUBMISSION_REFUSED,
    },
    Status.APPROVED: {},
    Status.REFUSED: {},
}


class IllegalTransition(Exception):
    """The table does not allow this change (a programming error or a forged request)."""


class TransitionConflict(Exception):
    """Someone changed the submission since it was read (another reviewer, tab or the applicant)."""


def action_for(from_status: str, to_status: str) -> AuditAction:
    """The audit action of ``from_status → to_status``; IllegalTransition when the table refuses it."""
    allowed = TRANSITIONS.get(Status(from_status), {})
    if Status(to_status) not in allowed:
        raise IllegalTransition(f"{from_status} → {to_status}")
    return allowed[Status(to_status)]


@transaction.atomic
def transition(
    *,
    submission: Submission,
    to_status: Status,
    expected_version: int,
    actor: "User | AnonymousUser | None",
    action: AuditAction | None = None,
    changes: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    notice: str | None = None,
) -> AuditAction:
    """Move ``submission`` from its status (as read) to ``to_status``; returns the audit action written.

    ``changes`` are other fields written in the same UPDATE. ``action``, when given, must be the table's
    action for this step (it documents the call site; a mismatch is IllegalTransition). ``notice`` is
    told to the applicant: the in-site message in this transaction, the SMS after commit. Raises TransitionConflict when the row's status or
    version is no longer what the caller read — nothing is written then. Permission is the caller's.
    The in-memory ``submission`` is refreshed.
    """
    expected = action_for(submission.status, to_status)
    if action is not None and AuditAction(action) != expected:
        raise IllegalTransition(f"{submission.status} → {to_status} is {expected}, not {action}")
    updated = Submission.objects.filter(
        pk=submission.pk, status=submission.status, version=expected_version
    ).update(status=to_status, version=F("version") + 1, updated_at=timezone.now(), **(changes or {}))
    if not updated:
        raise TransitionConflict()
    submission.refresh_from_db()
    record_event(action=expected, actor=actor, target=submission, request=request, details=details)
    if notice:
        from kuaiji.accounts.services import notify  # accounts imports nothing of collection at load

        notify(user=submission.applicant, text=notice, link="/collection/")
    return expected
