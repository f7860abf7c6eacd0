"""The submission state table (kuaiji.collection.workflow).

Requirements covered:
- the table refuses a change it does not list (approved → pending, refused → draft, draft → approved) and
  writes nothing then;
- a transition whose status or version is no longer what the caller read is refused (two reviewers);
- the exact sequence of audit events of a workflow: started → submitted → returned → resubmitted →
  approved, each with the actor who did it.
"""

from django.contrib.auth.models import Group

import pytest

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.tests.factories import StaffFactory
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.models import AuditEvent
from kuaiji.collection import services as collection
from kuaiji.collection.constants import Status
from kuaiji.collection.workflow import IllegalTransition, TransitionConflict, action_for, transition
from kuaiji.review.services import decide

pytestmark = pytest.mark.django_db


def reviewer(departments):
    Group.objects.get_or_create(name=StaffRole.REVIEWER)
    staff = StaffFactory(department=departments["630102"])
    staff.groups.add(Group.objects.get(name=StaffRole.REVIEWER))
    return staff


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (Status.APPROVED, Status.PENDING),
        (Status.REFUSED, Status.DRAFT),
        (Status.DRAFT, Status.APPROVED),
        (Status.RETURNED, Status.APPROVED),
        (Status.PENDING, Status.PENDING),
    ],
)
def test_the_table_refuses_an_illegal_transition(from_status, to_status):
    with pytest.raises(IllegalTransition):
        action_for(from_status, to_status)


def test_an_illegal_transition_writes_nothing(submitted, departments):
    submission, _ = submitted()
    decide(
        reviewer=reviewer(departments),
        submission=submission,
        expected_version=submission.version,
        outcome="approve",
        reason="",
    )
    events = AuditEvent.objects.count()
    with pytest.raises(IllegalTransition):
        transition(
            submission=submission,
            to_status=Status.PENDING,
            expected_version=submission.version,
            actor=submission.applicant,
        )
    submission.refresh_from_db()
    assert submission.status == Status.APPROVED
    assert AuditEvent.objects.count() == events


def test_a_stale_version_loses(submitted, departments):
    submission, _ = submitted()
    read_at = submission.version
    transition(
        submission=submission,
        to_status=Status.RETURNED,
        expected_version=read_at,
        actor=reviewer(departments),
        changes={"decision_reason": "照片不清晰"},
    )
    submission.status = Status.PENDING  # what a second reviewer's page still believes
    with pytest.raises(TransitionConflict):
        transition(
            submission=submission,
            to_status=Status.APPROVED,
            expected_version=read_at,
            actor=reviewer(departments),
        )
    submission.refresh_from_db()
    assert submission.status == Status.RETURNED


def test_the_action_named_by_a_call_site_must_be_the_tables(submitted):
    submission, _ = submitted()
    with pytest.raises(IllegalTransition):
        transition(
            submission=submission,
            to_status=Status.DRAFT,
            expected_version=submission.version,
            actor=submission.applicant,
            action=AuditAction.SUBMISSION_APPROVED,
        )


def test_the_exact_audit_sequence_of_a_return_and_approval(submitted, departments):
    submission, client = submitted()
    staff = reviewer(departments)
    decide(
        reviewer=staff,
        submission=submission,
        expected_version=submission.version,
        outcome="return",
        reason="学历证书不清晰",
        flagged_sections=["attachments"],
    )
    submission.refresh_from_db()
    collection.submit(submission, expected_version=submission.version, commitment_accepted=True)
    submission.refresh_from_db()
    decide(
        reviewer=staff,
        submission=submission,
        expected_version=submission.version,
        outcome="approve",
        reason="",
    )

    events = AuditEvent.objects.filter(
        target_type="collection.submission", target_id=str(submission.uuid), action__startswith="submission."
    ).order_by("occurred_at", "id")
    assert [(event.action, event.actor_id) for event in events] == [
        (AuditAction.SUBMISSION_STARTED, client.applicant.pk),
        (AuditAction.SUBMISSION_SUBMITTED, client.applicant.pk),
        (AuditAction.SUBMISSION_RETURNED, staff.pk),
        (AuditAction.SUBMISSION_RESUBMITTED, client.applicant.pk),
        (AuditAction.SUBMISSION_APPROVED, staff.pk),
    ]
    assert [event.details.get("revision") for event in events[1:]] == [1, 1, 2, 2]
    submission.refresh_from_db()
    assert submission.status == Status.APPROVED
