from django.contrib.auth.models import Group
from django.test import Client

import pytest

from kuaiji.accounts.tests.factories import StaffFactory, sign_in_staff


@pytest.fixture
def staff_client(departments):
    """A signed-in (password and TOTP) staff client of the province department holding ``role``."""

    def make(role, *, code="630000", **fields):
        staff = StaffFactory(department=departments[code], **fields)
        group, _created = Group.objects.get_or_create(name=role)
        staff.groups.add(group)
        client = Client()
        sign_in_staff(client, staff)
        client.staff = staff
        return client

    return make
