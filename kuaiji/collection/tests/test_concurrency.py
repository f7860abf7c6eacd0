"""Two tabs, a double click and two requests at once: nobody's typing is lost and nothing is doubled.

Requirements covered:
- two tabs: two saves of a section with the same ``version`` → the second gets the conflict message
  with HTTP 409 and its typed values shown back, and what is stored is the first tab's data;
- a double click on 提交审核: two submits with the same version → one revision, status 待审核, one
  audit event; the second request lands on the confirmation page without an error; a submit from an
  object read before the first submit (a stale in-memory draft) also changes nothing;
- on PostgreSQL, the two submits run at the same moment from two threads (two clients, committed
  transactions) and exactly one revision is made;
- one open submission per applicant: ``start_collection`` twice returns the same draft, also when the
  two calls race (the database constraint lets one through and the other gets the first's draft), and
  the constraint itself refuses a second open submission.
"""

import threading

from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

import pytest

from kuaiji.audit.models import AuditEvent
from kuaiji.collection import services
from kuaiji.collection.constants import Status, SubmissionKind
from kuaiji.collection.models import Revision, Submission

from . import helpers

ON_POSTGRESQL = connection.vendor == "postgresql"
CONFLICT = "这份草稿刚刚在其他窗口或设备上保存过"


def submitted_events(submission) -> int:
    return AuditEvent.objects.filter(action="submission.submitted", target_id=str(submission.uuid)).count()


@pytest.mark.django_db
def test_two_tabs_the_second_save_is_refused_and_shows_what_it_typed(applicant_client):
    client = applicant_client
    services.start_collection(client.applicant)
    opened_at = helpers.version(client)  # both tabs opened the 学历信息 page at this version
    url = reverse("collection:section", args=["education"])

    first = client.post(url, {**helpers.EDUCATION, "school": "第一个窗口大学", "version": opened_at})
    second = client.post(url, {**helpers.EDUCATION, "school": "第二个窗口学院", "version": opened_at})

    assert first.status_code == 302
    assert second.status_code == 409
    page = second.content.decode()
    assert CONFLICT in page
    assert 'value="第二个窗口学院"' in page
    submission = Submission.objects.get(applicant=client.applicant)
    assert submission.answers["education"]["school"] == "第一个窗口大学"
    assert submission.version == opened_at + 1
    # Saving again from the refreshed page (its new version) works.
    third = client.post(url, {**helpers.EDUCATION, "school": "第二个窗口学院", "version": opened_at + 1})
    assert third.status_code == 302
    submission.refresh_from_db()
    assert submission.answers["education"]["school"] == "第二个窗口学院"


@pytest.mark.django_db
def test_a_double_click_on_submit_makes_one_revision(applicant_client, fill):
    client = applicant_client
    submission = fill(client.applicant)
    version = helpers.version(client)
    form = {"commitment": "1", "version": version}

    first = client.post(reverse("collection:check"), form)
    second = client.post(reverse("collection:check"), form, follow=True)

    assert first.status_code == 302 and first.url == reverse("collection:submitted")
    assert second.status_code == 200
    assert second.redirect_chain[-1][0] == reverse("collection:submitted")
    assert "信息采集已提交" in second.content.decode()
    submission.refresh_from_db()
    assert submission.status == Status.PENDING
    assert submission.version == version + 1
    assert Revision.objects.filter(submission=submission).count() == 1
    assert submitted_events(submission) == 1


@pytest.mark.django_db
def test_a_submit_from_a_stale_draft_changes_nothing(applicant_client, fill):
    submission = fill(applicant_client.applicant)
    stale = Submission.objects.get(pk=submission.pk)  # the second request read it before the first wrote
    version = submission.version

    services.submit(submission, expected_version=version, commitment_accepted=True)
    due = Submission.objects.get(pk=submission.pk).due_on
    result = services.submit(stale, expected_version=version, commitment_accepted=True)

    assert result.status == Status.PENDING
    assert result.due_on == due
    assert Revision.objects.filter(submission=submission).count() == 1
    assert submitted_events(submission) == 1


# Committed transactions (each thread has its own connection). The flush after such a test empties the
# tables the data migrations filled; serialized_rollback puts them back for the test. Only marked on
# PostgreSQL, so SQLite runs do not pay for serialising the reference data.
committed_on_postgresql = (
    pytest.mark.django_db(transaction=True, serialized_rollback=True)
    if ON_POSTGRESQL
    else pytest.mark.skip(reason="two requests at once need PostgreSQL's row locks")
)


@committed_on_postgresql
def test_two_submits_at_the_same_moment_make_one_revision(fill):
    from kuaiji.accounts.tests.factories import ApplicantFactory

    applicant = ApplicantFactory()
    submission = fill(applicant)
    form = {"commitment": "1", "version": submission.version}
    barrier = threading.Barrier(2, timeout=10)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def click():
        try:
            client = Client()
            client.force_login(applicant)
            barrier.wait()
            statuses.append(client.post(reverse("collection:check"), form).status_code)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert statuses == [302, 302]
    submission.refresh_from_db()
    assert submission.status == Status.PENDING
    assert Revision.objects.filter(submission=submission).count() == 1
    assert submitted_events(submission) == 1


# --- one open submission per applicant ---------------------------------------------------------------------


@pytest.mark.django_db
def test_starting_twice_returns_the_same_draft(applicant_client):
    client = applicant_client

    first = services.start_collection(client.applicant)
    second = services.start_collection(client.applicant)
    client.post(reverse("collection:start"))

    assert first.pk == second.pk
    assert Submission.objects.filter(applicant=client.applicant).count() == 1
    started = AuditEvent.objects.filter(action="submission.started", target_id=str(first.uuid))
    assert started.count() == 1


@pytest.mark.django_db
def test_a_racing_start_gets_the_draft_the_other_one_made(applicant_client, monkeypatch):
    applicant = applicant_client.applicant
    existing = services.start_collection(applicant)
    real_open_submission = services.open_submission
    calls = []

    def not_yet_visible(person):
        # The first look happens before the other request's draft is committed.
        calls.append(person)
        return None if len(calls) == 1 else real_open_submission(person)

    # start_collection looks the open submission up in its own module.
    monkeypatch.setattr(services.lifecycle, "open_submission", not_yet_visible)

    again = services.start_collection(applicant)

    assert again.pk == existing.pk
    assert len(calls) == 2
    assert Submission.objects.filter(applicant=applicant).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_submission(applicant_client):
    applicant = applicant_client.applicant
    first = services.start_collection(applicant)

    for status in (Status.DRAFT, Status.PENDING, Status.RETURNED):
        with pytest.raises(IntegrityError), transaction.atomic():
            Submission.objects.create(applicant=applicant, kind=SubmissionKind.CHANGE, status=status)

    # A closed one does not count.
    Submission.objects.filter(pk=first.pk).update(status=Status.REFUSED)
    Submission.objects.create(applicant=applicant, status=Status.DRAFT)
    assert Submission.objects.filter(applicant=applicant).count() == 2
