"""The security baseline.

Requirements covered:
- every page response carries a Content-Security-Policy whose script-src has no 'unsafe-inline' (nor
  'unsafe-eval'), X-Content-Type-Options: nosniff, a Referrer-Policy and X-Frame-Options: DENY;
  every cookie the site sets is HttpOnly;
- a request body larger than KUAIJI_MAX_REQUEST_BYTES is refused with 413 before it is parsed;
- ``manage.py check --deploy`` with production settings reports no issue, and production settings
  refuse to start without SECRET_KEY (or with DEBUG on);
- no log line carries a full document number, phone number, password or SMS code, through
  registration, failed and successful sign-in, lock-out, password reset and change.
"""

import logging
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.db.models import F
from django.test import Client
from django.urls import resolve, reverse

import pytest

from kuaiji.accounts.models import SmsCode, User, UserSession
from kuaiji.accounts.sms import read_outbox
from kuaiji.accounts.tests.factories import PASSWORD, ApplicantFactory
from kuaiji.accounts.tests.helpers import jpeg_bytes, last_code_for

BASE_DIR = Path(django_settings.BASE_DIR)

# (path, the status it answers an anonymous visitor): each one is checked, so a typo or a moved page
# fails here instead of passing as a 404 that also carries the headers.
ANONYMOUS_PAGE_STATUSES = [
    ("/", 302),
    ("/sign-in/", 200),
    ("/staff/sign-in/", 200),
    ("/register/", 200),
    ("/password/reset/", 200),
    ("/activate/", 200),
    ("/appeals/new/", 200),
    ("/admin/login/", 302),
    ("/no-such-page/", 404),  # the error page carries them too
]
ANONYMOUS_PAGES = [path for path, _status in ANONYMOUS_PAGE_STATUSES]


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response) -> None:
    directives = csp_directives(response)
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src, response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {
        "same-origin",
        "no-referrer",
        "strict-origin-when-cross-origin",
    }
    assert response.headers["X-Frame-Options"] == "DENY"


# --- headers and cookies -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "status"), ANONYMOUS_PAGE_STATUSES)
def test_pages_carry_the_security_headers(client, path, status):
    if status != 404:
        resolve(path)  # a real route, not a typo answered by the 404 page
    response = client.get(path)

    assert response.status_code == status
    assert_security_headers(response)


@pytest.mark.django_db
def test_signed_in_pages_carry_the_security_headers(client):
    user = ApplicantFactory()
    client.force_login(user, backend="kuaiji.accounts.backends.ApplicantBackend")

    for path in ("/collection/", "/account/"):
        response = client.get(path)
        assert response.status_code == 200
        assert_security_headers(response)


def assert_not_stored(response, path) -> None:
    directives = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, (path, response.headers.get("Cache-Control"))


@pytest.mark.django_db
def test_pages_with_personal_data_are_never_stored_by_a_browser_or_proxy(client, departments, settings):
    """Cache-Control: private, no-store on every dynamic response (a shared computer's back button, a proxy)."""
    from django.contrib.auth.models import Group

    from kuaiji.accounts.constants import StaffRole
    from kuaiji.accounts.tests.factories import StaffFactory, sign_in_staff

    applicant = ApplicantFactory()
    client.force_login(applicant, backend="kuaiji.accounts.backends.ApplicantBackend")
    for path in ("/", "/collection/", "/account/", "/collection/tasks/", "/no-such-page/"):
        assert_not_stored(client.get(path), path)

    staff_client = Client()
    staff = StaffFactory(department=departments["630000"])
    staff.groups.add(Group.objects.get_or_create(name=StaffRole.REVIEWER)[0])
    sign_in_staff(staff_client, staff)
    for path in ("/", "/review/", "/archive/", "/review/appeals/"):
        response = staff_client.get(path)
        assert response.status_code == 200, path
        assert_not_stored(response, path)

    anonymous = Client()
    # What was typed is shown again after a refused form; the sign-in page too.
    for response, path in (
        (anonymous.post("/sign-in/", {"login": applicant.document_number, "password": "x"}), "/sign-in/"),
        (anonymous.get("/password/reset/"), "/password/reset/"),
    ):
        assert_not_stored(response, path)

    token = anonymous.post(
        "/api/v1/tokens",
        {"login": applicant.document_number, "password": PASSWORD},
        content_type="application/json",
    )
    assert token.status_code in {200, 201}, token.content
    assert_not_stored(token, "/api/v1/tokens")
    me = anonymous.get("/api/v1/me/submission", HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    assert_not_stored(me, "/api/v1/me/submission")

    settings.KUAIJI_MAX_REQUEST_BYTES = 100
    assert_not_stored(anonymous.post("/sign-in/", {"padding": "x" * 500}), "413")


@pytest.mark.django_db
def test_every_cookie_is_http_only():
    user = ApplicantFactory()
    client = Client()
    responses = [
        client.get(reverse("accounts:sign_in")),
        client.post(reverse("accounts:sign_in"), {"login": user.document_number, "password": PASSWORD}),
        client.get(reverse("accounts:home")),
        client.post(reverse("accounts:sign_out")),  # sets the "signed out" message
    ]

    # Deleting a cookie (an empty, expired value) carries nothing to protect.
    cookies = [morsel for response in responses for morsel in response.cookies.values() if morsel.value]
    names = {morsel.key for morsel in cookies}
    assert {django_settings.SESSION_COOKIE_NAME, django_settings.CSRF_COOKIE_NAME} <= names
    for morsel in cookies:
        assert morsel["httponly"], morsel.key
        assert morsel["samesite"] in {"Lax", "Strict"}, morsel.key


# --- request size ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_request_over_the_limit_is_refused_before_it_is_parsed(client, settings, monkeypatch):
    settings.KUAIJI_MAX_REQUEST_BYTES = 4096
    user = ApplicantFactory()
    form = {"login": user.document_number, "password": PASSWORD}

    def no_parsing(request):
        raise AssertionError("the body was parsed")

    with monkeypatch.context() as patch:
        patch.setattr(WSGIRequest, "_load_post_and_files", no_parsing)
        response = client.post(reverse("accounts:sign_in"), {**form, "padding": "x" * 5000})

    assert response.status_code == 413
    assert "一次提交的内容不能超过" in response.content.decode()
    assert_security_headers(response)
    assert not UserSession.objects.exists()
    # Just under the limit the same form goes through.
    response = client.post(reverse("accounts:sign_in"), {**form, "padding": "x" * 3000})
    assert response.status_code == 302


@pytest.mark.django_db
def test_declared_length_alone_is_refused(client, settings):
    settings.KUAIJI_MAX_REQUEST_BYTES = 4096

    response = client.post(
        reverse("accounts:register"),
        b"tiny",
        content_type="application/octet-stream",
        CONTENT_LENGTH="999999999",
    )

    assert response.status_code == 413


# --- deployment settings ------------------------------------------------------------------------------------


def run_manage(tmp_path, *args, **env_vars):
    """manage.py in a fresh interpreter with production settings and nothing from the test run."""
    dropped_prefixes = ("PYTEST", "DJANGO_", "KUAIJI_")
    dropped = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "CSRF_TRUSTED_ORIGINS"}
    env = {key: value for key, value in os.environ.items() if not key.startswith(dropped_prefixes)}
    env = {key: value for key, value in env.items() if key not in dropped}
    env.update(
        {
            "KUAIJI_ENV": "production",
            "KUAIJI_VAR_DIR": str(tmp_path / "var"),
            "ALLOWED_HOSTS": "kuaiji.example.gov.cn",
            **env_vars,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# A provider's dotted path: settings only name it, so the production checks need no real provider here.
REAL_SMS_BACKEND = "kuaiji_provider.sms.ProviderBackend"


def test_deploy_check_passes_with_production_settings(tmp_path):
    result = run_manage(
        tmp_path,
        "check",
        "--deploy",
        SECRET_KEY=secrets.token_urlsafe(50),
        KUAIJI_SMS_BACKEND=REAL_SMS_BACKEND,
        # The department's signing key for archive extracts, and the address their QR codes open.
        KUAIJI_EXTRACT_SIGNING_KEY=str(tmp_path / "extract-key.pem"),
        KUAIJI_EXTRACT_SIGNING_CERT=str(tmp_path / "extract-cert.pem"),
        KUAIJI_PUBLIC_URL="https://kuaiji.example.gov.cn",
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output
    assert "WARNINGS" not in output
    assert "ERRORS" not in output


@pytest.mark.parametrize(
    ("env_vars", "reason"),
    [
        ({}, "SECRET_KEY must be set in production"),
        (
            {"SECRET_KEY": secrets.token_urlsafe(50), "DEBUG": "1", "KUAIJI_SMS_BACKEND": REAL_SMS_BACKEND},
            "DEBUG must stay off in production",
        ),
        ({"SECRET_KEY": secrets.token_urlsafe(50)}, "KUAIJI_SMS_BACKEND must name a real SMS provider"),
        (
            {
                "SECRET_KEY": secrets.token_urlsafe(50),
                "KUAIJI_SMS_BACKEND": "kuaiji.accounts.sms.OutboxBackend",
            },
            "KUAIJI_SMS_BACKEND must name a real SMS provider",
        ),
    ],
    ids=["no-secret-key", "debug-on", "no-sms-backend", "outbox-sms-backend"],
)
def test_production_settings_refuse_to_start_unsafely(tmp_path, env_vars, reason):
    result = run_manage(tmp_path, "check", **env_vars)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert reason in result.stderr


def test_production_routes_no_sms_outbox(tmp_path):
    """The outbox page is not even routed in production: codes sent there would be an account takeover."""
    script = (
        "from django.urls import Resolver404, resolve\n"
        "try:\n    resolve('/sms-outbox/')\n    print('ROUTED')\n"
        "except Resolver404:\n    print('NOT ROUTED')\n"
    )
    result = run_manage(
        tmp_path,
        "shell",
        "-c",
        script,
        SECRET_KEY=secrets.token_urlsafe(50),
        KUAIJI_SMS_BACKEND=REAL_SMS_BACKEND,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "NOT ROUTED"


# --- no personal data in logs ---------------------------------------------------------------------------


@pytest.fixture
def all_logs(caplog):
    """Every record from every logger, DEBUG and up (the project's LOGGING raises axes to WARNING)."""
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    for name in ("axes", "django", "django.request", "django_tasks", "kuaiji"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def formatted(caplog) -> list[str]:
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    return [formatter.format(record) for record in caplog.records]


@pytest.mark.django_db
def test_no_personal_data_in_any_log_line(all_logs):
    document_number = "11010519491231002X"
    mobile = "13987654321"
    first_password = "Qh2026Kuaiji"
    wrong_password = "Wrong2026Guess"
    new_password = "Xining2026new"
    changed_password = "Haidong2026third"
    full_name = "阿依古丽·买买提"
    client = Client()

    # Register through the outbox.
    url = reverse("accounts:register")
    form = {
        "document_type": "resident_id",
        "document_number": "11010519491231002x",
        "full_name": full_name,
        "mobile": mobile,
        "captcha_0": "x",
        "captcha_1": "PASSED",
        "password1": first_password,
        "password2": first_password,
        "agreement": "on",
    }
    assert client.post(url, {**form, "action": "send_code"}).status_code == 200
    photo = SimpleUploadedFile("front.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = client.post(url, {**form, "sms_code": last_code_for(mobile), "id_photo": photo})
    assert response.status_code == 302
    assert User.objects.filter(document_number=document_number).exists()
    client.post(reverse("accounts:sign_out"))

    # Fail to sign in until locked out, then sign in after a reset.
    sign_in = reverse("accounts:sign_in")
    for login in (document_number, document_number.lower(), mobile, "11010519491231003X"):
        response = client.post(
            sign_in, {"login": login, "password": wrong_password, "captcha_0": "x", "captcha_1": "PASSED"}
        )
        assert response.status_code == 400
    for _ in range(4):
        client.post(
            sign_in,
            {"login": document_number, "password": wrong_password, "captcha_0": "x", "captcha_1": "PASSED"},
        )
    locked = client.post(
        sign_in,
        {"login": document_number, "password": first_password, "captcha_0": "x", "captcha_1": "PASSED"},
    )
    assert locked.status_code == 429

    # A minute passes, so the phone may have another code (the guard is also in the cache).
    SmsCode.objects.update(created_at=F("created_at") - timedelta(seconds=61))
    cache.clear()
    reset = reverse("accounts:reset_password")
    identity = {"document_type": "resident_id", "document_number": document_number, "full_name": full_name}
    sent = client.post(reset, {**identity, "captcha_0": "x", "captcha_1": "PASSED", "action": "send_code"})
    assert sent.status_code == 200
    assert len(read_outbox()) == 2
    wrong_code = f"{(int(last_code_for(mobile)) + 1) % 1_000_000:06d}"
    bad = client.post(
        reset, {**identity, "sms_code": wrong_code, "password1": new_password, "password2": new_password}
    )
    assert bad.status_code == 400
    done = client.post(
        reset,
        {**identity, "sms_code": last_code_for(mobile), "password1": new_password, "password2": new_password},
    )
    assert done.status_code == 302, done.context["error_summary"]

    # Successful sign-in (by mobile; the reset unlocked the account), change of password, sign-out.
    response = client.post(
        sign_in, {"login": mobile, "password": new_password, "captcha_0": "x", "captcha_1": "PASSED"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("accounts:account"),
        {"old_password": new_password, "password1": changed_password, "password2": changed_password},
    )
    assert response.status_code == 302
    client.post(reverse("accounts:sign_out"))

    codes = [re.search(r"验证码 (\d{6})", message["text"]).group(1) for message in read_outbox()]
    assert len(codes) == 2
    secrets_typed = {
        document_number,
        document_number.lower(),
        "11010519491231003X",
        mobile,
        first_password,
        wrong_password,
        new_password,
        changed_password,
        wrong_code,
        *codes,
    }
    lines = formatted(all_logs)
    assert lines, "nothing was logged: the capture is not working"
    assert any(line.startswith("WARNING axes") for line in lines)
    for line in lines:
        for secret in secrets_typed:
            assert secret not in line, f"{line!r} gives away a typed value"
