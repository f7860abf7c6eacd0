"""The person of a session or a token is read with their roles in one statement (accounts.backends), and
the session's second-factor device in one more (accounts.otp_middleware)."""

from datetime import timedelta

from django.contrib.auth.models import Group

import pytest

from kuaiji.accounts.backends import StaffBackend
from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.permissions import has_role
from kuaiji.accounts.tests.factories import ApplicantFactory, StaffFactory
from kuaiji.api.auth import TokenAuth
from kuaiji.api.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_with_two_roles(departments):
    staff = StaffFactory(department=departments["630000"])
    for role in (StaffRole.REVIEWER, StaffRole.DEPARTMENT_ADMIN):
        staff.groups.add(Group.objects.get_or_create(name=role)[0])
    Group.objects.get_or_create(name=StaffRole.PLATFORM_ADMIN)  # a role the person does not hold
    return staff


def test_a_session_reads_the_user_and_every_role_in_one_query(
    staff_with_two_roles, django_assert_num_queries
):
    with django_assert_num_queries(1):
        user = StaffBackend().get_user(staff_with_two_roles.pk)
        assert user == staff_with_two_roles
        assert has_role(user, StaffRole.REVIEWER)
        assert has_role(user, StaffRole.DEPARTMENT_ADMIN)
        assert not has_role(user, StaffRole.PLATFORM_ADMIN)


def test_a_person_without_roles_is_read_once_and_holds_none(departments, django_assert_num_queries):
    applicant = ApplicantFactory()
    with django_assert_num_queries(1):
        user = StaffBackend().get_user(applicant.pk)
        assert user == applicant and not has_role(user, StaffRole.REVIEWER)
    assert StaffBackend().get_user(10**9) is None


def test_a_token_reads_its_person_with_their_roles(staff_with_two_roles, rf, django_assert_num_queries):
    _, secret = ApiToken.issue(user=staff_with_two_roles, lifetime=timedelta(hours=1))
    TokenAuth().authenticate(rf.get("/"), secret)  # the first use writes "last used"
    with django_assert_num_queries(1):
        user = TokenAuth().authenticate(rf.get("/"), secret)
        assert has_role(user, StaffRole.DEPARTMENT_ADMIN) and not has_role(user, StaffRole.PLATFORM_ADMIN)


def _verified_by(user, device, rf):
    """Whether a request whose session names ``device`` is verified for ``user``, through the middleware."""
    from django.contrib.sessions.backends.cache import SessionStore

    from django_otp import DEVICE_ID_SESSION_KEY

    from kuaiji.accounts.otp_middleware import OTPMiddleware

    request = rf.get("/")
    request.session = SessionStore()
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    request.user = user
    OTPMiddleware(lambda request: None)(request)
    return request.user.is_verified()


def test_the_sessions_device_is_read_in_one_query_and_must_be_the_users_and_confirmed(
    staff_with_two_roles, departments, rf, django_assert_num_queries
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff_with_two_roles, name="手机", confirmed=True)
    with django_assert_num_queries(1):
        assert _verified_by(staff_with_two_roles, device, rf)
    other = StaffFactory(department=departments["630000"])
    assert not _verified_by(other, device, rf)  # another person's device
    device.confirmed = False
    device.save()
    assert not _verified_by(staff_with_two_roles, device, rf)
    TOTPDevice.objects.filter(pk=device.pk).delete()  # the session still names it
    assert not _verified_by(staff_with_two_roles, device, rf)
