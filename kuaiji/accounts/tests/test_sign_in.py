"""Sign-in and its throttling.

Requirements covered:
- applicants sign in with their document number (a lower-case x is accepted) or their verified mobile;
  staff sign in at /staff/sign-in/ with a user name;
- a wrong password and an unknown number get the same generic message and status, and an unknown
  number still runs the password hasher (so the time taken tells nothing);
- after 3 failures a picture captcha is asked; after 5 the account is locked for 15 minutes (429, the
  page says how long to wait), even for the right password, until the cool-off has passed;
- a successful sign-in clears the account's failure count;
- a client address failing across many accounts is throttled while other addresses still sign in;
  behind KUAIJI_TRUSTED_PROXY_COUNT proxies the address comes from X-Forwarded-For;
- the document number and the verified mobile of one account share one failure count (5 in all lock it);
- django-axes stores a keyed hash (of the account, or of what was typed when no account has it), never
  the document number;
- staff sign-in and sign-out are audited (staff.signed_in, staff.signed_out);
- ``next`` redirects only to URLs on this site.
"""

from datetime import timedelta
from unittest import mock

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import RequestFactory
from django.urls import reverse

import pytest
from axes.models import AccessAttempt
from django_otp.plugins.otp_totp.models import TOTPDevice

from kuaiji.accounts.models import User, UserSession
from kuaiji.accounts.signin import login_key
from kuaiji.audit.models import AuditEvent
from kuaiji.core.http import client_ip

from .factories import PASSWORD, ApplicantFactory, StaffFactory, current_token

SIGN_IN = reverse("accounts:sign_in")
STAFF_SIGN_IN = reverse("accounts:staff_sign_in")
SIGN_OUT = reverse("accounts:sign_out")
HOME = reverse("accounts:home")
GENERIC_ERROR = "证件号码（手机号码）或密码不正确"
NUMBER_WITH_X = "11010519491231002X"
CAPTCHA = {"captcha_0": "test", "captcha_1": "PASSED"}


def sign_in(client, login, password, *, captcha=True, **extra):
    data = {"login": login, "password": password, **(CAPTCHA if captcha else {})}
    return client.post(SIGN_IN, data, **extra)


def errors_of(response) -> list[str]:
    return [message for _anchor, message in response.context["error_summary"]]


def fail(client, login, times, **extra):
    for _ in range(times):
        response = sign_in(client, login, "Wrong-password-1", **extra)
        assert response.status_code in {400, 429}
    return response


def signed_in_user(client):
    return client.get(HOME).wsgi_request.user


# --- who can sign in -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_in_with_document_number_accepts_lower_case_x(client):
    user = ApplicantFactory(document_number=NUMBER_WITH_X)

    response = sign_in(client, " 11010519491231002x ", PASSWORD, captcha=False)

    assert response.status_code == 302
    assert response.url == HOME
    assert signed_in_user(client) == user
    assert UserSession.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_sign_in_with_a_full_width_number_typed_with_a_chinese_input_method(client):
    """Registration stores NFKC numbers; sign-in must read what was typed the same way."""
    user = ApplicantFactory(document_number=NUMBER_WITH_X)
    full_width = NUMBER_WITH_X.translate({code: code + 0xFEE0 for code in range(0x21, 0x7F)})
    assert full_width != NUMBER_WITH_X

    response = sign_in(client, full_width, PASSWORD, captcha=False)

    assert response.status_code == 302
    assert signed_in_user(client) == user


@pytest.mark.django_db
def test_sign_in_with_verified_mobile(client):
    user = ApplicantFactory()

    response = sign_in(client, user.mobile, PASSWORD, captcha=False)

    assert response.status_code == 302
    assert signed_in_user(client) == user


@pytest.mark.django_db
def test_unverified_mobile_does_not_sign_in(client):
    user = ApplicantFactory(mobile_verified_at=None)

    response = sign_in(client, user.mobile, PASSWORD, captcha=False)

    assert response.status_code == 400
    assert errors_of(response) == [GENERIC_ERROR]
    assert not signed_in_user(client).is_authenticated


@pytest.mark.django_db
def test_wrong_password_and_unknown_number_look_the_same(client):
    user = ApplicantFactory()

    wrong_password = sign_in(client, user.document_number, "Wrong-password-1", captcha=False)
    unknown_number = sign_in(client, "11010519491231002X", PASSWORD, captcha=False)

    assert wrong_password.status_code == unknown_number.status_code == 400
    assert errors_of(wrong_password) == errors_of(unknown_number) == [GENERIC_ERROR]
    assert not signed_in_user(client).is_authenticated


@pytest.mark.django_db
def test_unknown_number_still_runs_the_password_hasher(client):
    with mock.patch.object(
        Argon2PasswordHasher, "encode", autospec=True, side_effect=Argon2PasswordHasher.encode
    ) as encode:
        response = sign_in(client, NUMBER_WITH_X, "Some-password-1", captcha=False)

    assert response.status_code == 400
    assert encode.called
    assert encode.call_args.args[1] == "Some-password-1"


@pytest.mark.django_db
def test_unknown_staff_name_still_runs_the_password_hasher(client):
    with mock.patch.object(
        Argon2PasswordHasher, "encode", autospec=True, side_effect=Argon2PasswordHasher.encode
    ) as encode:
        response = client.post(STAFF_SIGN_IN, {"username": "nobody", "password": "Some-password-1"})

    assert response.status_code == 400
    assert encode.called


# --- captcha and lock-out ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_captcha_is_asked_after_three_failures(client):
    user = ApplicantFactory()

    two = fail(client, user.document_number, 2)
    assert "captcha" not in two.context["form"].fields
    third = fail(client, user.document_number, 1)
    assert "captcha" in third.context["form"].fields
    assert 'name="captcha_1"' in third.content.decode()

    without_captcha = sign_in(client, user.document_number, PASSWORD, captcha=False)
    assert without_captcha.status_code == 400
    assert "请输入图片验证码" in errors_of(without_captcha)
    assert not signed_in_user(client).is_authenticated

    wrong_captcha = client.post(
        SIGN_IN, {"login": user.document_number, "password": PASSWORD, "captcha_0": "x", "captcha_1": "ABCD"}
    )
    assert wrong_captcha.status_code == 400
    assert any("图片验证码不正确" in message for message in errors_of(wrong_captcha))

    assert sign_in(client, user.document_number, PASSWORD).status_code == 302
    assert signed_in_user(client) == user


@pytest.mark.django_db
def test_five_failures_lock_the_account_for_fifteen_minutes(client):
    user = ApplicantFactory()

    fail(client, user.document_number, 4)
    fifth = fail(client, user.document_number, 1)
    assert fifth.status_code == 429
    assert any("已锁定" in message and "15 分钟" in message for message in errors_of(fifth))

    right_password = sign_in(client, user.document_number, PASSWORD)
    assert right_password.status_code == 429
    assert "15 分钟" in right_password.content.decode()
    assert not signed_in_user(client).is_authenticated
    # Typed in lower case it is the same number, so the same lock.
    assert sign_in(client, user.document_number.lower(), PASSWORD).status_code == 429

    # The cool-off passes.
    moved = AccessAttempt.objects.filter(username=login_key(user.document_number)).update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert moved == 1
    response = sign_in(client, user.document_number, PASSWORD)
    assert response.status_code == 302
    assert signed_in_user(client) == user


@pytest.mark.django_db
def test_document_number_and_mobile_share_one_failure_count(client):
    """Five failures in all lock the account, whichever of its two identifiers was typed."""
    user = ApplicantFactory()

    fail(client, user.document_number, 3)
    fail(client, user.mobile, 1)
    fifth = fail(client, user.mobile, 1)

    assert fifth.status_code == 429
    for login in (user.document_number, user.mobile):
        assert sign_in(client, login, PASSWORD).status_code == 429
    assert not signed_in_user(client).is_authenticated
    # Another account is not touched by this one's lock.
    assert sign_in(client, ApplicantFactory().document_number, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_success_with_the_mobile_clears_failures_typed_as_the_number(client):
    user = ApplicantFactory()
    fail(client, user.document_number, 4)
    assert sign_in(client, user.mobile, PASSWORD).status_code == 302
    client.post(SIGN_OUT)

    response = fail(client, user.document_number, 1)

    assert response.status_code == 400
    assert "captcha" not in response.context["form"].fields


@pytest.mark.django_db
def test_lock_message_counts_down(client):
    user = ApplicantFactory()
    fail(client, user.document_number, 5)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=10)
    )

    response = sign_in(client, user.document_number, PASSWORD)

    assert response.status_code == 429
    # Just under 5 minutes remain; the page rounds up.
    assert any("请 5 分钟后再试" in message for message in errors_of(response))


@pytest.mark.django_db
def test_successful_sign_in_clears_the_failure_count(client):
    user = ApplicantFactory()
    fail(client, user.document_number, 4)
    assert sign_in(client, user.document_number, PASSWORD).status_code == 302
    client.post(SIGN_OUT)

    # Had the four failures been kept, this one would lock the account and the captcha would be asked.
    response = fail(client, user.document_number, 1)

    assert response.status_code == 400
    assert "captcha" not in response.context["form"].fields
    assert sign_in(client, user.document_number, PASSWORD, captcha=False).status_code == 302


# --- throttling by client address ------------------------------------------------------------------------


@pytest.mark.django_db
def test_address_failing_across_accounts_is_throttled(client, settings):
    settings.KUAIJI_SIGNIN_IP_FAILURE_LIMIT = 6
    victims = ApplicantFactory.create_batch(3)
    target = ApplicantFactory()

    # Two failures per account: no account reaches its own limit.
    for victim in victims:
        fail(client, victim.document_number, 2, REMOTE_ADDR="198.51.100.7")

    throttled = sign_in(client, target.document_number, PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert throttled.status_code == 429
    assert "当前网络登录失败次数过多，请 15 分钟后再试。" in errors_of(throttled)
    assert not signed_in_user(client).is_authenticated

    elsewhere = sign_in(client, target.document_number, PASSWORD, REMOTE_ADDR="198.51.100.8")
    assert elsewhere.status_code == 302
    assert signed_in_user(client) == target


@pytest.mark.django_db
def test_forwarded_address_is_used_behind_a_trusted_proxy(client, settings):
    settings.KUAIJI_SIGNIN_IP_FAILURE_LIMIT = 4
    settings.KUAIJI_TRUSTED_PROXY_COUNT = 1
    target = ApplicantFactory()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    for number in range(4):
        fail(client, f"ZZ{number}", 1, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}

    throttled = sign_in(client, target.document_number, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert throttled.status_code == 429
    # A client-written entry further left is not believed.
    spoofed = sign_in(
        client, target.document_number, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7", **proxy
    )
    assert spoofed.status_code == 429

    # Another client behind the same proxy is not affected.
    other = sign_in(client, target.document_number, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)
    assert other.status_code == 302


def test_client_ip_ignores_forwarded_for_without_trusted_proxies(settings):
    settings.KUAIJI_TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert client_ip(request) == "10.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "192.0.2.1, 203.0.113.7", "203.0.113.7"),
        (2, "192.0.2.1, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (1, " 203.0.113.7 ,", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.1"),  # fewer entries than proxies: the header is not trusted
        (1, "", "10.0.0.1"),
    ],
)
def test_client_ip_counts_trusted_proxies_from_the_right(settings, proxies, forwarded, expected):
    settings.KUAIJI_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


# --- what axes keeps ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_axes_stores_a_keyed_hash_not_the_document_number(client):
    user = ApplicantFactory(document_number=NUMBER_WITH_X)

    fail(client, "11010519491231002x", 2)
    fail(client, user.mobile, 1)

    stored = list(AccessAttempt.objects.values_list("username", "post_data", "get_data"))
    # One account, one count, whichever identifier was typed.
    assert {username for username, _post, _get in stored} == {login_key(NUMBER_WITH_X)}
    assert login_key(NUMBER_WITH_X) == login_key(user.mobile)
    for username, post_data, get_data in stored:
        assert username.startswith("h:")
        for secret in (NUMBER_WITH_X, NUMBER_WITH_X.lower(), user.mobile, "Wrong-password-1"):
            assert secret not in username
            assert secret not in post_data
            assert secret not in get_data


# --- staff -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_sign_in_and_out_are_audited(client):
    staff = StaffFactory(username="reviewer1")

    response = client.post(STAFF_SIGN_IN, {"username": "reviewer1", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:staff_verify")
    # The password alone signs nobody in.
    assert not signed_in_user(client).is_authenticated
    assert not AuditEvent.objects.filter(action="staff.signed_in").exists()
    response = client.post(reverse("accounts:staff_verify"), {"token": current_token(staff)})
    assert response.status_code == 302
    assert signed_in_user(client) == staff
    signed_in = AuditEvent.objects.get(action="staff.signed_in")
    assert signed_in.actor == staff
    assert signed_in.target_id == str(staff.uuid)

    response = client.post(SIGN_OUT)
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="staff.signed_out").actor == staff
    assert not signed_in_user(client).is_authenticated


@pytest.mark.django_db
def test_staff_wrong_password_is_refused_and_not_audited(client):
    StaffFactory(username="reviewer1")

    response = client.post(STAFF_SIGN_IN, {"username": "reviewer1", "password": "Wrong-password-1"})

    assert response.status_code == 400
    assert errors_of(response) == ["用户名或密码不正确"]
    assert not AuditEvent.objects.filter(action="staff.signed_in").exists()


@pytest.mark.django_db
def test_applicant_cannot_use_the_staff_page_nor_staff_the_applicant_page(client):
    applicant = ApplicantFactory()
    StaffFactory(username="reviewer1")

    staff_page = client.post(STAFF_SIGN_IN, {"username": applicant.document_number, "password": PASSWORD})
    applicant_page = sign_in(client, "reviewer1", PASSWORD, captcha=False)

    assert staff_page.status_code == applicant_page.status_code == 400
    assert not signed_in_user(client).is_authenticated
    assert not User.objects.filter(last_login__isnull=False).exists()


# --- next ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/account/", "/account/"),
        ("http://testserver/account/", "http://testserver/account/"),
        ("https://evil.example/", HOME),
        ("//evil.example/account/", HOME),
        ("/\\evil.example/", HOME),
        ("javascript:alert(1)", HOME),
    ],
)
def test_next_redirects_only_within_the_site(client, target, expected):
    user = ApplicantFactory()

    response = client.post(SIGN_IN, {"login": user.document_number, "password": PASSWORD, "next": target})

    assert response.status_code == 302
    assert response.url == expected


@pytest.mark.django_db
def test_sign_in_page_keeps_only_a_safe_next(client):
    safe = client.get(SIGN_IN, {"next": "/account/"})
    unsafe = client.get(SIGN_IN, {"next": "https://evil.example/"})

    assert 'name="next" value="/account/"' in safe.content.decode()
    assert "evil.example" not in unsafe.content.decode()


@pytest.mark.django_db
def test_staff_second_factor_is_required_and_limited(client):
    staff = StaffFactory(username="reviewer2")
    client.post(STAFF_SIGN_IN, {"username": "reviewer2", "password": PASSWORD})
    good = current_token(staff)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        # Waiting out django-otp's throttle between tries (a try within it says when to try again:
        # kuaiji/accounts/tests/test_totp.py).
        TOTPDevice.objects.filter(user=staff).update(throttling_failure_timestamp=None)
        response = client.post(reverse("accounts:staff_verify"), {"token": wrong})
        assert response.status_code == 400
        assert f"还可尝试 {left} 次" in response.content.decode()
    TOTPDevice.objects.filter(user=staff).update(throttling_failure_timestamp=None)
    response = client.post(reverse("accounts:staff_verify"), {"token": wrong})
    assert response["Location"] == reverse("accounts:staff_sign_in")
    # The password step must be done again: the right code alone no longer works.
    response = client.post(reverse("accounts:staff_verify"), {"token": current_token(staff)})
    assert response["Location"] == reverse("accounts:staff_sign_in")
    assert not signed_in_user(client).is_authenticated
    assert AuditEvent.objects.filter(action="staff.second_factor_failed").exists()


@pytest.mark.django_db
def test_staff_without_a_device_cannot_sign_in(client):
    StaffFactory(username="reviewer3", totp_device=False)
    client.post(STAFF_SIGN_IN, {"username": "reviewer3", "password": PASSWORD})
    response = client.get(reverse("accounts:staff_verify"))
    assert response.status_code == 403
    assert "尚未绑定动态口令" in response.content.decode()
    assert not signed_in_user(client).is_authenticated


@pytest.mark.django_db
def test_staff_verify_step_expires(client, settings):
    staff = StaffFactory(username="reviewer4")
    client.post(STAFF_SIGN_IN, {"username": "reviewer4", "password": PASSWORD})
    settings.KUAIJI_STAFF_VERIFY_WINDOW = timedelta(seconds=-1)
    response = client.post(reverse("accounts:staff_verify"), {"token": current_token(staff)})
    assert response["Location"] == reverse("accounts:staff_sign_in")
    assert not signed_in_user(client).is_authenticated
