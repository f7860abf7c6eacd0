"""When the platform already knows a unit from approved records, typing its unified social credit code
fills in its name, nature, region and address."""

from django.urls import reverse

import pytest

from kuaiji.accounts.tests.factories import ApplicantFactory
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Submission
from kuaiji.collection.selectors import known_employer

from . import helpers
from .test_wizard import fill_everything


@pytest.mark.django_db
def test_approved_unit_is_filled_in_from_its_credit_code(client, departments):
    first = ApplicantFactory()
    client.force_login(first)
    client.applicant = first
    submission = fill_everything(client, departments)
    client.post(reverse("collection:check"), {"commitment": "1", "version": helpers.version(client)})
    assert known_employer(helpers.CREDIT_CODE) is None  # pending, not approved yet
    Submission.objects.filter(pk=submission.pk).update(status=Status.APPROVED)
    assert known_employer(helpers.CREDIT_CODE)["employer_name"] == "西宁虚构商贸有限公司"

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
