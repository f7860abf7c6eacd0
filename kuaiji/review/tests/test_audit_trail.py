"""Every state change and every staff view of a personal record is on the audit log, in order, with who
did it and from where; the log cannot be edited or deleted from the application."""

from django.urls import reverse

import pytest

from kuaiji.audit.models import AuditEvent
from kuaiji.collection.tests import helpers

from .test_review import decide


@pytest.mark.django_db
def test_the_exact_sequence_of_a_return_and_approval(submitted, reviewer_for):
    submission, applicant = submitted()
    province = reviewer_for("630000")
    province.get(reverse("review:detail", args=[submission.uuid]))
    decide(province, submission, "return", reason="请补充学历证书", flagged=["education"])
    submission.refresh_from_db()
    applicant.post(reverse("collection:check"), {"commitment": "1", "version": helpers.version(applicant)})
    submission.refresh_from_db()
    decide(province, submission, "approve")

    events = list(
        AuditEvent.objects.filter(
            target_type="collection.submission", target_id=str(submission.uuid)
        ).order_by("occurred_at", "id")
    )
    assert [event.action for event in events] == [
        "submission.started",
        "submission.submitted",
        "staff.viewed_submission",
        "submission.returned",
        "submission.resubmitted",
        "submission.approved",
    ]
    actors = [event.actor for event in events]
    assert actors == [submission.applicant] * 2 + [province.staff] * 2 + [
        submission.applicant,
        province.staff,
    ]
    assert all(event.client_ip for event in events[2:4])  # staff actions carry the client address
    assert events[3].details["flagged"] == ["education"]
    staff_events = AuditEvent.objects.filter(actor=province.staff).values_list("action", flat=True)
    assert "staff.signed_in" in staff_events


@pytest.mark.django_db
def test_the_log_cannot_be_changed(submitted):
    submitted()
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
