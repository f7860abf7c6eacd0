"""The Django admin is for platform administrators whose session passed the second factor: a password-only
session and a reviewer are both kept out, and the admin's own sign-in page sends people to ours."""

import pytest

from .factories import StaffFactory, sign_in_staff


@pytest.mark.django_db
def test_admin_needs_a_verified_platform_administrator(client, admin_client, admin_user):
    assert admin_client.get("/admin/").status_code == 200
    # Signed in without the second factor (e.g. a session from before it was required): refused.
    client.force_login(admin_user)
    assert_sent_to_staff_sign_in(client)


@pytest.mark.django_db
def test_reviewer_is_not_let_into_the_admin(client):
    reviewer = StaffFactory()
    sign_in_staff(client, reviewer)
    assert_sent_to_staff_sign_in(client)


def assert_sent_to_staff_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith("/staff/sign-in/")
