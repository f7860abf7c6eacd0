"""Review decisions. Each decision is one transaction: the workflow's transition (the conditional update on
status and version, so of two reviewers exactly one wins; the audit event; the applicant's notice), the
decision row and, on approval, the archive version."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from kuaiji.archive.services import record_approval
from kuaiji.audit.constants import AuditAction
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Submission
from kuaiji.collection.workflow import TransitionConflict, transition

from .constants import FLAGGABLE_SECTIONS, Outcome
from .models import Decision

OUTCOME_STATUS = {
    Outcome.APPROVE: Status.APPROVED,
    Outcome.RETURN: Status.RETURNED,
    Outcome.REFUSE: Status.REFUSED,
}
OUTCOME_EVENT = {
    Outcome.APPROVE: AuditAction.SUBMISSION_APPROVED,
    Outcome.RETURN: AuditAction.SUBMISSION_RETURNED,
    Outcome.REFUSE: AuditAction.SUBMISSION_REFUSED,
}


class AlreadyDecided(Exception):
    """Another reviewer decided this submission first (or it was withdrawn)."""


@transaction.atomic
def decide(
    *,
    reviewer: Any,
    submission: Submission,
    expected_version: int,
    outcome: str,
    reason: str,
    flagged_sections: list[str] | None = None,
    request: HttpRequest | None = None,
) -> Decision:
    """Approve, return or refuse a pending submission. The caller has checked the reviewer's scope and role.

    A reason is required to return or refuse. Raises AlreadyDecided when the submission is no longer the
    pending version the reviewer looked at.
    """
    outcome = Outcome(outcome)
    reason = (reason or "").strip()
    if outcome != Outcome.APPROVE and not reason:
        raise ValidationError("退回修改或不予通过时，请填写理由", code="reason_required")
    flagged = [key for key, _ in FLAGGABLE_SECTIONS if key in set(flagged_sections or [])]
    if submission.status != Status.PENDING:
        raise AlreadyDecided()
    now = timezone.now()
    revision = submission.revisions.order_by("-number").first()
    if revision is None:  # submitting always writes a revision: a pending submission without one is corrupt
        raise ValueError(f"pending submission {submission.pk} has no revision")
    changes: dict[str, Any] = {"decided_at": now, "decision_reason": reason}
    if outcome == Outcome.RETURN:
        changes["answers"] = {**submission.answers, "_flagged_sections": flagged}
    said = reason.rstrip("。. ")  # the sentences below end it; a typed full stop would double it
    words = {
        Outcome.APPROVE: f"您的{submission.get_kind_display()}已审核通过。",
        Outcome.RETURN: f"您的{submission.get_kind_display()}被退回修改：{said}。请登录平台按意见修改后重新提交。",
        Outcome.REFUSE: f"您的{submission.get_kind_display()}未通过审核：{said}。",
    }[outcome]
    try:
        transition(
            submission=submission,
            to_status=OUTCOME_STATUS[outcome],
            expected_version=expected_version,
            actor=reviewer,
            action=OUTCOME_EVENT[outcome],
            changes=changes,
            details={"revision": revision.number, "flagged": flagged},
            request=request,
            notice=words,
        )
    except TransitionConflict as error:
        raise AlreadyDecided() from error
    decision = Decision.objects.create(
        submission=submission,
        revision=revision,
        reviewer=reviewer,
        outcome=outcome,
        reason=reason,
        flagged_sections=flagged if outcome == Outcome.RETURN else [],
        decided_at=now,
    )
    if outcome == Outcome.APPROVE:
        record_approval(submission=submission, revision=revision, reviewer=reviewer)
    return decision
