"""采集时间: outside a window a draft is saved but not submitted, on the pages and through the API alike.

- a window not yet open: the overview and check pages say when it opens; submitting is refused with that
  date (page and API), the draft and its answers stay;
- a window closing between saving and submitting: the save works, the submit is refused (本期已结束);
- inside a window, or with no window at all, submitting works; a department's own windows decide for
  the people below it instead of the province's;
- a submission returned by its reviewer is resubmitted whatever the windows say.
"""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from kuaiji.api.models import ApiToken
from kuaiji.collection import services
from kuaiji.collection.constants import Status, SubmissionKind
from kuaiji.collection.models import CollectionWindow
from kuaiji.collection.windows import window_state

from . import helpers
from .factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def window(departments, code="630000", *, kind=SubmissionKind.INITIAL, opens_in=None, closes_in=None):
    now = timezone.now()
    return CollectionWindow.objects.create(
        department=departments[code],
        kind=kind,
        opens_at=now + (opens_in if opens_in is not None else timedelta(days=-10)),
        closes_at=now + closes_in if closes_in is not None else None,
        note="（青财会〔2026〕30 号）",
    )


def signed_in(submission) -> Client:
    client = Client()
    client.force_login(submission.applicant)
    return client


def submit(submission):
    submission.refresh_from_db()
    return services.submit(submission, expected_version=submission.version, commitment_accepted=True)


def test_before_a_window_opens_the_pages_say_when_and_submitting_is_refused(departments):
    window(departments, opens_in=timedelta(days=5), closes_in=timedelta(days=40))
    submission = SubmissionFactory.create(complete=True)
    client = signed_in(submission)
    overview = client.get(reverse("collection:overview")).content.decode()
    assert "信息采集暂未开放，将于" in overview and "青财会〔2026〕30 号" in overview
    assert "信息采集暂未开放" in client.get(reverse("collection:check")).content.decode()

    response = client.post(reverse("collection:check"), {"commitment": "on", "version": submission.version})
    assert response.status_code == 400 and "您填写的内容已保存" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT and submission.answers["personal"]

    _, secret = ApiToken.issue(user=submission.applicant, lifetime=timedelta(hours=1))
    api = Client().post(
        "/api/v1/me/submission/submit",
        {"version": submission.version, "commitment_accepted": True},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert api.status_code == 400 and "暂未开放" in api.json()["message"]
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT


def test_a_window_closing_between_saving_and_submitting(departments):
    opened = window(departments, closes_in=timedelta(days=1))
    submission = SubmissionFactory.create(complete=True)
    submission.refresh_from_db()
    services.save_section(
        submission,
        section="personal",
        data={**helpers.PERSONAL, "mobile": submission.applicant.mobile, "email": "lin@example.com"},
        expected_version=submission.version,
    )
    opened.closes_at = timezone.now() - timedelta(minutes=1)
    opened.save()
    helpers.re_sign_submission(submission)
    with pytest.raises(Exception) as refused:
        submit(submission)
    assert getattr(refused.value, "code", "") == "window_closed"
    assert "本期信息采集已结束" in refused.value.messages[0]
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT and submission.answers["personal"]["email"] == "lin@example.com"


def test_inside_a_window_or_without_any_submitting_works(departments):
    assert window_state(kind=SubmissionKind.INITIAL, department=departments["630000"]).open
    window(departments, closes_in=timedelta(days=3))
    state = window_state(kind=SubmissionKind.INITIAL, department=departments["630000"])
    assert state.open and state.closes_at is not None
    submission = SubmissionFactory.create(complete=True)
    assert submit(submission).status == Status.PENDING


def test_a_departments_own_windows_decide_for_the_people_below_it(departments):
    # The province closed changes; 城东区 opened its own.
    window(departments, kind=SubmissionKind.CHANGE, opens_in=timedelta(days=30))
    window(departments, "630102", kind=SubmissionKind.CHANGE, closes_in=timedelta(days=3))
    assert window_state(kind=SubmissionKind.CHANGE, department=departments["630102"]).open
    assert not window_state(kind=SubmissionKind.CHANGE, department=departments["632801"]).open
    # First collections have no window at all: open.
    assert window_state(kind=SubmissionKind.INITIAL, department=departments["632801"]).open


def test_a_returned_submission_is_resubmitted_outside_any_window(departments):
    submission = SubmissionFactory.create(returned=True)
    window(departments, opens_in=timedelta(days=5))
    client = signed_in(submission)
    assert "暂未开放" not in client.get(reverse("collection:overview")).content.decode()
    helpers.re_sign_submission(submission)
    assert submit(submission).status == Status.PENDING
