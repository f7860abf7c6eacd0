from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

import pytest

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.tests.factories import ApplicantFactory, StaffFactory, sign_in_staff
from kuaiji.collection.tests import helpers
from kuaiji.collection.tests.test_wizard import fill_everything


@pytest.fixture
def submitted(departments):
    """A first collection submitted by a generated applicant managed by 城东区 (西宁)."""

    def make(county_department="630102"):
        client = Client()
        applicant = ApplicantFactory()
        client.force_login(applicant)
        client.applicant = applicant
        submission = fill_everything(client, departments, department_code=county_department)
        response = client.post(
            reverse("collection:check"), {"commitment": "1", "version": helpers.version(client)}
        )
        assert response.status_code == 302
        submission.refresh_from_db()
        return submission, client

    return make


@pytest.fixture
def reviewer_for(departments):
    """A signed-in reviewer client of the department at ``code``."""

    def make(code, *, role=StaffRole.REVIEWER):
        Group.objects.get_or_create(name=role)
        staff = StaffFactory(department=departments[code])
        staff.groups.add(Group.objects.get(name=role))
        client = Client()
        sign_in_staff(client, staff)
        client.staff = staff
        return client

    return make
