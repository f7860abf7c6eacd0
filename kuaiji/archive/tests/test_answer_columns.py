"""The archive record's copies of two answers the statistics count (decision 0025): the accounting post
(会计专业技术职务) and the unit nature (单位性质). Approval writes them; ``refill_answer_columns`` (the
migration that added them, and ``manage.py refill_archive_answer_columns``) reads them from the current
version's answers in SQL — the JSON extraction differs between SQLite and PostgreSQL, so this module runs
on both."""

import io

from django.core.management import call_command

import pytest

from kuaiji.archive.models import ArchiveRecord
from kuaiji.archive.services import refill_answer_columns
from kuaiji.collection.tests import helpers
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.review import services as review_services

pytestmark = pytest.mark.django_db

ACCOUNTANT = {**helpers.QUALIFICATION_NONE, "accounting_post": "accountant", "appointed_on": "2020-01-01"}


def record_of(submission) -> ArchiveRecord:
    return ArchiveRecord.objects.get(person=submission.applicant)


def test_approval_copies_the_accounting_post_and_the_unit_nature():
    accountant = SubmissionFactory.create(approved=True, sections={"qualification": ACCOUNTANT})
    record = record_of(accountant)
    assert (record.accounting_post, record.employer_nature) == ("accountant", "private_enterprise")

    no_unit = SubmissionFactory.create(approved=True, sections={"employer": {"has_employer": "no"}})
    record = record_of(no_unit)
    assert (record.accounting_post, record.employer_nature, record.employer_name) == ("none", "", "")


def test_a_change_approved_later_replaces_the_copies(reviewer_for):
    change = SubmissionFactory.create(changed=True)
    record = record_of(change)
    assert record.accounting_post == "none"
    # The pending change's revision says 高级会计师 at a 机关 (as if both answers had been changed).
    answers = change.answers
    answers["qualification"] = {**answers["qualification"], "accounting_post": "senior"}
    answers["employer"] = {**answers["employer"], "employer_nature": "government"}
    revision = change.revisions.get()
    type(revision).objects.filter(pk=revision.pk).update(answers=answers)
    change.refresh_from_db()
    review_services.decide(
        reviewer=reviewer_for("630102").staff,
        submission=change,
        expected_version=change.version,
        outcome="approve",
        reason="",
    )
    record.refresh_from_db()
    assert (record.accounting_post, record.employer_nature) == ("senior", "government")
    assert record.versions.count() == 2


def test_the_refill_reads_the_current_versions_answers_in_sql(make_record):
    accountant = record_of(SubmissionFactory.create(approved=True, sections={"qualification": ACCOUNTANT}))
    no_unit = record_of(
        SubmissionFactory.create(approved=True, sections={"employer": {"has_employer": "no"}})
    )
    without_version = make_record(accounting_post="clerk")  # written directly: no version to read
    # As the records archived before the columns existed: the database default.
    ArchiveRecord.objects.update(accounting_post="", employer_nature="")
    # An old version's answers without the post at all (a key missing, not blank).
    version = accountant.current_version
    answers = {**version.answers, "qualification": {"qualification_level": "none"}}
    type(version).objects.filter(pk=version.pk).update(answers=answers)

    assert refill_answer_columns(batch_size=1) == 3  # batches of one: every range boundary is crossed
    facts = dict(ArchiveRecord.objects.values_list("pk", "accounting_post"))
    natures = dict(ArchiveRecord.objects.values_list("pk", "employer_nature"))
    assert (facts[accountant.pk], natures[accountant.pk]) == ("", "private_enterprise")
    assert (facts[no_unit.pk], natures[no_unit.pk]) == ("none", "")
    assert (facts[without_version.pk], natures[without_version.pk]) == ("", "")

    type(version).objects.filter(pk=version.pk).update(answers={**answers, "qualification": {**ACCOUNTANT}})
    out = io.StringIO()
    call_command("refill_archive_answer_columns", stdout=out)
    accountant.refresh_from_db()
    assert accountant.accounting_post == "accountant" and "refilled 3" in out.getvalue()
