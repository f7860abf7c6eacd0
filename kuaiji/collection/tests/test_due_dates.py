"""A submission's review due date (审核截止日期), counted in working days from the day it is submitted.

Requirements covered:
- submitted on 2026-09-30, the eve of the National Day holiday (1–7 October), the count skips the
  holiday: 5 working days → Tuesday 2026-10-13;
- a due date can land on a make-up working Saturday (调休上班): 3 working days from 2026-09-30 →
  Saturday 2026-10-10;
- the number of days per kind comes from ``KUAIJI_REVIEW_WORKING_DAYS`` (a first collection and a change
  each use their own);
- the count starts from the local date (Asia/Shanghai), not the UTC one;
- the submission and its revision carry the same due date and submission time; a resubmission after
  withdrawing gets a new due date from its own day.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

import pytest

from kuaiji.calendar.selectors import due_on, is_working_day
from kuaiji.collection import services
from kuaiji.collection.constants import Status, SubmissionKind
from kuaiji.collection.models import Submission
from kuaiji.collection.tests import helpers

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
EVE_OF_NATIONAL_DAY = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def freeze(monkeypatch):
    """``freeze(moment)``: ``timezone.now()`` returns ``moment`` (aware) from then on."""

    def freeze(moment: datetime) -> None:
        monkeypatch.setattr("kuaiji.collection.services.lifecycle.timezone.now", lambda: moment)

    return freeze


def submit(submission: Submission) -> Submission:
    helpers.re_sign_submission(submission)
    return services.submit(submission, expected_version=submission.version, commitment_accepted=True)


def test_the_reference_calendar_has_the_2026_national_day_schedule():
    # What the rest of this module relies on (seeded from chinese-calendar by a data migration).
    assert not any(is_working_day(date(2026, 10, day)) for day in range(1, 8))
    assert is_working_day(date(2026, 10, 10))  # Saturday, worked in exchange


def test_five_working_days_skip_the_national_day_holiday(applicant_client, fill, freeze, settings):
    assert settings.KUAIJI_REVIEW_WORKING_DAYS["initial"] == 5
    submission = fill(applicant_client.applicant)
    freeze(EVE_OF_NATIONAL_DAY)

    submit(submission)

    submission.refresh_from_db()
    # Thu 8 (1), Fri 9 (2), Sat 10 make-up (3), Mon 12 (4), Tue 13 (5).
    assert submission.due_on == date(2026, 10, 13)
    assert submission.submitted_at == EVE_OF_NATIONAL_DAY
    revision = submission.revisions.get()
    assert (revision.due_on, revision.submitted_at) == (date(2026, 10, 13), EVE_OF_NATIONAL_DAY)


def test_a_due_date_can_be_a_make_up_working_saturday(applicant_client, fill, freeze, settings):
    settings.KUAIJI_REVIEW_WORKING_DAYS = {**settings.KUAIJI_REVIEW_WORKING_DAYS, "initial": 3}
    submission = fill(applicant_client.applicant)
    freeze(EVE_OF_NATIONAL_DAY)

    submit(submission)

    submission.refresh_from_db()
    assert submission.due_on == date(2026, 10, 10)
    assert submission.due_on.weekday() == 5


def test_the_count_starts_from_the_local_date(applicant_client, fill, freeze, settings):
    settings.KUAIJI_REVIEW_WORKING_DAYS = {**settings.KUAIJI_REVIEW_WORKING_DAYS, "initial": 1}
    submission = fill(applicant_client.applicant)
    # 17:30 UTC on the 29th is 01:30 on the 30th in Xining: the holiday follows, so the 8th.
    freeze(datetime(2026, 9, 29, 17, 30, tzinfo=ZoneInfo("UTC")))

    submit(submission)

    submission.refresh_from_db()
    assert submission.due_on == date(2026, 10, 8)


def test_each_kind_takes_its_days_from_the_settings(applicant_client, fill, freeze, settings):
    settings.KUAIJI_REVIEW_WORKING_DAYS = {"initial": 9, "change": 2, "transfer": 20}
    applicant = applicant_client.applicant
    first = fill(applicant)
    freeze(datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI))
    submit(first)
    first.refresh_from_db()
    assert first.due_on == due_on(start=date(2026, 9, 1), working_days=9)
    # The review issue decides properly; here the decision is set directly.
    Submission.objects.filter(pk=first.pk).update(status=Status.APPROVED, decided_at=timezone.now())

    change = services.start_change(applicant)
    freeze(EVE_OF_NATIONAL_DAY)
    submit(change)

    change.refresh_from_db()
    assert change.kind == SubmissionKind.CHANGE
    assert change.status == Status.PENDING
    assert change.due_on == date(2026, 10, 9)  # Thu 8 (1), Fri 9 (2)


def test_a_resubmission_is_due_from_its_own_day(applicant_client, fill, freeze):
    submission = fill(applicant_client.applicant)
    freeze(datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI))
    submit(submission)
    services.withdraw(submission)
    submission.refresh_from_db()
    assert submission.due_on is None

    freeze(EVE_OF_NATIONAL_DAY)
    submit(submission)

    submission.refresh_from_db()
    assert submission.due_on == date(2026, 10, 13)
    first, second = submission.revisions.order_by("number")
    assert first.due_on == due_on(start=date(2026, 9, 28), working_days=5) == date(2026, 10, 10)
    assert second.due_on == date(2026, 10, 13)
