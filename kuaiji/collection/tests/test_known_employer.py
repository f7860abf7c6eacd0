"""When the platform already knows a unit from approved records, typing its unified social credit code
fills in its name, nature, region and address."""

from django.urls import reverse

import pytest

from kuaiji.accounts.tests.factories import ApplicantFactory
from kuaiji.collection.models import Submission
from kuaiji.collection.selectors import known_employer

from . import helpers
from .factories import SubmissionFactory


@pytest.mark.django_db
def test_approved_unit_is_filled_in_from_its_credit_code(client, departments):
    SubmissionFactory.create(submitted=True)
    assert known_employer(helpers.CREDIT_CODE) is None  # pending, not approved yet
    SubmissionFactory.create(approved=True)
    found = known_employer(helpers.CREDIT_CODE)
    assert found is not None and found["employer_name"] == "西宁虚构商贸有限公司"

    second = ApplicantFactory()
    client.force_login(second)
    client.applicant = second
    client.post(reverse("collection:start"))
    data = {
        "has_employer": "yes",
        "credit_code": helpers.CREDIT_CODE.lower(),
        "version": helpers.version(client),
        "action": "save",
        "history-TOTAL_FORMS": "1",
        "history-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("collection:section", args=["employer"]), data)
    page = response.content.decode()
    assert "西宁虚构商贸有限公司" in page
    assert "已根据统一社会信用代码填入" in page
    stored = Submission.objects.get(applicant=second).answers["employer"]
    assert stored["employer_division_2"] == "630102"
