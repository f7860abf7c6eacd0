from django.contrib.auth.models import Group
from django.test import Client

import pytest

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.tests.factories import StaffFactory, sign_in_staff
from kuaiji.collection.tests.factories import SubmissionFactory


@pytest.fixture
def submitted(departments):
    """A first collection submitted by a generated applicant managed by 城东区 (西宁)."""

    def make(county_department="630102"):
        submission = SubmissionFactory.create(submitted=True, department=county_department)
        client = Client()
        client.force_login(submission.applicant)
        client.applicant = submission.applicant
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
