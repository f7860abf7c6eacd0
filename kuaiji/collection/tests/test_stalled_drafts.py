"""Stalled drafts: one reminder (in-site and SMS) to a person whose draft, or returned submission, has waited
``KUAIJI_STALLED_DRAFT_DAYS``; never two within a week, and none again until it changes and stalls again;
departments see how many are stalled in their scope (another region's are not counted)."""

from datetime import timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import pytest

from kuaiji.accounts.models import Notification
from kuaiji.accounts.sms import read_outbox
from kuaiji.audit.models import AuditEvent
from kuaiji.collection.models import Submission
from kuaiji.collection.reminders import remind_stalled, stalled_by_department
from kuaiji.review.tests.conftest import reviewer_for  # noqa: F401 (the fixture)

from .factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def age(submission, days: int, *, field: str = "updated_at") -> None:
    Submission.objects.filter(pk=submission.pk).update(**{field: timezone.now() - timedelta(days=days)})


def test_a_stalled_draft_is_reminded_once_and_not_again_within_a_week(settings, departments):
    settings.KUAIJI_STALLED_DRAFT_DAYS = 14
    stalled = SubmissionFactory.create(complete=True)
    fresh = SubmissionFactory.create(complete=True)
    age(stalled, 15)
    age(fresh, 3)
    assert remind_stalled() == 1
    texts = list(Notification.objects.filter(user=stalled.applicant).values_list("text", flat=True))
    assert texts == ["您的信息登记尚未提交，请登录后完成填写并提交审核。已填写的内容均已保存。"]
    assert any(m["mobile"] == stalled.applicant.mobile for m in read_outbox())
    assert not Notification.objects.filter(user=fresh.applicant).exists()
    assert AuditEvent.objects.filter(action="submission.draft_reminded", target_id=str(stalled.uuid)).exists()
    # The next day's run, and a week later while nothing changed: no second reminder.
    call_command("remind_stalled_drafts")
    Submission.objects.filter(pk=stalled.pk).update(reminded_at=timezone.now() - timedelta(days=8))
    assert remind_stalled() == 0
    # It changed after the reminder, then stalled again, more than a week on: one more.
    Submission.objects.filter(pk=stalled.pk).update(
        reminded_at=timezone.now() - timedelta(days=30), updated_at=timezone.now() - timedelta(days=15)
    )
    assert remind_stalled() == 1
    assert remind_stalled() == 0


def test_a_return_that_waits_is_reminded(settings, departments):
    settings.KUAIJI_STALLED_DRAFT_DAYS = 10
    returned = SubmissionFactory.create(returned=True)
    age(returned, 11, field="decided_at")
    assert remind_stalled() == 1
    assert Notification.objects.filter(user=returned.applicant, text__contains="已被退回修改").exists()


def test_departments_see_how_many_are_stalled_in_their_scope(
    settings,
    departments,
    reviewer_for,  # noqa: F811
):
    settings.KUAIJI_STALLED_DRAFT_DAYS = 14
    here = SubmissionFactory.create(complete=True, department="630102")
    elsewhere = SubmissionFactory.create(complete=True, department="632801")
    age(here, 20)
    age(elsewhere, 20)
    counts = stalled_by_department(department_ids=[departments["630102"].pk, departments["632801"].pk])
    assert counts == {departments["630102"].pk: 1, departments["632801"].pk: 1}
    page = reviewer_for("630102").get(reverse("review:overdue")).content.decode()
    section = page[page.index("未提交的填报") :]
    assert departments["630102"].name in section and "1 人" in section
    assert departments["632801"].name not in section
