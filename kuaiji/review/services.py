"""Review decisions. Each decision is one transaction: a conditional update on the submission's status
and version (so of two reviewers exactly one wins, on SQLite as on PostgreSQL), the decision row, the
archive version on approval, the audit event; the applicant is notified after commit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kuaiji.accounts.services import notify
from kuaiji.archive.services import record_approval
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Submission

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
    reviewer,
    submission: Submission,
    expected_version: int,
    outcome: str,
    reason: str,
    flagged_sections: list[str] | None = None,
    request=None,
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
    now = timezone.now()
    updated = Submission.objects.filter(
        pk=submission.pk, status=Status.PENDING, version=expected_version
    ).update(status=OUTCOME_STATUS[outcome], version=F("version") + 1, decided_at=now, decision_reason=reason)
    if not updated:
        raise AlreadyDecided()
    submission.refresh_from_db()
    revision = submission.revisions.order_by("-number").first()
    decision = Decision.objects.create(
        submission=submission,
        revision=revision,
        reviewer=reviewer,
        outcome=outcome,
        reason=reason,
        flagged_sections=flagged if outcome == Outcome.RETURN else [],
        decided_at=now,
    )
    if outcome == Outcome.RETURN:
        answers = dict(submission.answers)
        answers["_flagged_sections"] = flagged
        Submission.objects.filter(pk=submission.pk).update(answers=answers)
    if outcome == Outcome.APPROVE:
        record_approval(submission=submission, revision=revision, reviewer=reviewer)
    record_event(
        action=OUTCOME_EVENT[outcome],
        actor=reviewer,
        target=submission,
        request=request,
        details={"revision": revision.number, "flagged": flagged},
    )
    words = {
        Outcome.APPROVE: f"您的{submission.get_kind_display()}已审核通过。",
        Outcome.RETURN: f"您的{submission.get_kind_display()}被退回修改：{reason}。请登录平台按意见修改后重新提交。",
        Outcome.REFUSE: f"您的{submission.get_kind_display()}未通过审核：{reason}。",
    }[outcome]
    notify(user=submission.applicant, text=words, link="/collection/")
    return decision
