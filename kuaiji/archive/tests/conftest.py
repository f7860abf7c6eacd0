from django.urls import reverse

import pytest

from kuaiji.accounts.tests.factories import ApplicantFactory
from kuaiji.archive.models import ArchiveRecord
from kuaiji.collection.services import start_change
from kuaiji.collection.tests import helpers
from kuaiji.collection.tests.test_wizard import post_section
from kuaiji.review.tests.conftest import reviewer_for, submitted  # noqa: F401


def decide(client, submission, outcome="approve", reason=""):
    submission.refresh_from_db()
    return client.post(
        reverse("review:decide", args=[submission.uuid]),
        {"outcome": outcome, "reason": reason, "version": submission.version},
    )


@pytest.fixture
def approved(submitted, reviewer_for):  # noqa: F811
    """A first collection managed by 城东区 (630102), approved by the province: archive version 1."""

    def make(county_department="630102"):
        submission, applicant = submitted(county_department)
        response = decide(reviewer_for("630000"), submission)
        assert response.status_code == 302
        record = ArchiveRecord.objects.get(person=applicant.applicant)
        return record, applicant

    return make


@pytest.fixture
def approve_change(reviewer_for, departments):  # noqa: F811
    """The applicant changes the employer name; 城东区's reviewer (the managing department) approves."""

    def make(applicant, *, employer_name="西宁虚构科技有限公司"):
        change = start_change(applicant.applicant)
        response = post_section(
            applicant,
            "employer",
            {**helpers.employer(departments["630102"].pk), "employer_name": employer_name},
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        helpers.re_sign(applicant)  # the answers changed since the copied form was signed
        response = applicant.post(
            reverse("collection:check"), {"commitment": "1", "version": helpers.version(applicant)}
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        change.refresh_from_db()
        assert change.department == departments["630102"]
        reviewer = reviewer_for("630102")
        assert decide(reviewer, change).status_code == 302
        return change, reviewer

    return make


@pytest.fixture
def make_record(departments):
    """An archive record written directly (no versions): enough for the list, search and export."""

    def make(code="630102", **facts):
        person = ApplicantFactory()
        values = {
            "full_name": person.full_name,
            "document_type": person.document_type,
            "document_number": person.document_number,
            "mobile": person.mobile,
            "department": departments[code],
            "employer_name": "西宁虚构商贸有限公司",
            "credit_code": helpers.CREDIT_CODE,
            "qualification_level": "none",
            "education_level": "bachelor",
            **facts,
        }
        return ArchiveRecord.objects.create(person=person, **values)

    return make
