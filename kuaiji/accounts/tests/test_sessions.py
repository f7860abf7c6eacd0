"""Server-side sessions and their limits.

Requirements covered:
- signing out (POST only; GET is refused with 405) ends the session on the server: the old session
  cookie no longer authenticates, and its UserSession row and session store entry are gone;
- an applicant idle for more than 30 minutes, or staff idle for more than 15, is signed out; so is
  any session older than 12 hours, even an active one;
- resetting the password through the forgotten-password page ends every session of the account;
- changing the password on the account page ends the other sessions and keeps the current one.
"""

from datetime import timedelta
from importlib import import_module

from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from kuaiji.accounts.models import UserSession
from kuaiji.accounts.sessions import LAST_SEEN_AT, SIGNED_IN_AT, end_sessions

from .factories import PASSWORD, ApplicantFactory, StaffFactory, sign_in_staff
from .helpers import last_code_for

SIGN_IN = reverse("accounts:sign_in")
SIGN_OUT = reverse("accounts:sign_out")
ACCOUNT = reverse("accounts:account")
NEW_PASSWORD = "Qinghai2026new"


def store(session_key):
    return import_module(django_settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def signed_in_client(user, *, password=PASSWORD) -> Client:
    client = Client()
    if user.is_staff_member:
        response = sign_in_staff(client, user, password=password)
    else:
        response = client.post(SIGN_IN, {"login": user.document_number, "password": password})
    assert response.status_code == 302
    return client


def session_key(client) -> str:
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def is_signed_in(client) -> bool:
    response = client.get(ACCOUNT)
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))
    return False


def set_session_times(key, *, signed_in_ago: timedelta, last_seen_ago: timedelta) -> None:
    now = timezone.now()
    session = store(key)
    session[SIGNED_IN_AT] = (now - signed_in_ago).timestamp()
    session[LAST_SEEN_AT] = (now - last_seen_ago).timestamp()
    session.save()


def session_is_gone(key) -> bool:
    return (
        not store(key).exists(key)
        and not Session.objects.filter(session_key=key).exists()
        and not UserSession.objects.filter(session_key=key).exists()
    )


# --- signing out -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_in_tracks_the_session():
    user = ApplicantFactory()

    client = signed_in_client(user)

    key = session_key(client)
    assert UserSession.objects.get(session_key=key).user == user
    assert store(key).exists(key)


@pytest.mark.django_db
def test_sign_out_ends_the_session_on_the_server():
    user = ApplicantFactory()
    client = signed_in_client(user)
    old_key = session_key(client)

    response = client.post(SIGN_OUT)

    assert response.status_code == 302
    assert response.url == SIGN_IN
    assert session_is_gone(old_key)
    assert not UserSession.objects.filter(user=user).exists()
    # Someone who kept a copy of the old cookie is not signed in with it.
    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = old_key
    assert not is_signed_in(replay)


@pytest.mark.django_db
def test_sign_out_by_get_is_refused():
    client = signed_in_client(ApplicantFactory())
    key = session_key(client)

    response = client.get(SIGN_OUT)

    assert response.status_code == 405
    assert is_signed_in(client)
    assert UserSession.objects.filter(session_key=key).exists()


# --- idle and absolute limits -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make_user", "idle", "still_in"),
    [
        (ApplicantFactory, timedelta(minutes=29), True),
        (ApplicantFactory, timedelta(minutes=31), False),
        (StaffFactory, timedelta(minutes=14), True),
        (StaffFactory, timedelta(minutes=16), False),
    ],
    ids=["applicant-29min", "applicant-31min", "staff-14min", "staff-16min"],
)
def test_idle_sessions_are_ended(make_user, idle, still_in):
    user = make_user()
    client = signed_in_client(user)
    key = session_key(client)
    set_session_times(key, signed_in_ago=idle, last_seen_ago=idle)

    assert is_signed_in(client) is still_in
    assert session_is_gone(key) is not still_in


@pytest.mark.django_db
def test_ended_idle_session_says_why():
    client = signed_in_client(ApplicantFactory())
    key = session_key(client)
    set_session_times(key, signed_in_ago=timedelta(minutes=40), last_seen_ago=timedelta(minutes=40))

    response = client.get(ACCOUNT, follow=True)

    assert "由于长时间未操作，您已安全退出" in response.content.decode()


@pytest.mark.django_db
def test_activity_keeps_the_session_alive():
    client = signed_in_client(ApplicantFactory())
    key = session_key(client)
    set_session_times(key, signed_in_ago=timedelta(minutes=50), last_seen_ago=timedelta(minutes=25))

    assert is_signed_in(client)
    assert store(key)[LAST_SEEN_AT] > (timezone.now() - timedelta(minutes=1)).timestamp()


@pytest.mark.django_db
def test_session_older_than_twelve_hours_is_ended_even_when_active():
    client = signed_in_client(ApplicantFactory())
    key = session_key(client)
    set_session_times(key, signed_in_ago=timedelta(hours=12, minutes=1), last_seen_ago=timedelta(seconds=10))

    assert not is_signed_in(client)
    assert session_is_gone(key)


@pytest.mark.django_db
def test_session_younger_than_twelve_hours_is_kept_when_active():
    client = signed_in_client(ApplicantFactory())
    key = session_key(client)
    set_session_times(key, signed_in_ago=timedelta(hours=11, minutes=59), last_seen_ago=timedelta(seconds=10))

    assert is_signed_in(client)


# --- password changes end sessions ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_ends_every_session():
    user = ApplicantFactory()
    phone, laptop = signed_in_client(user), signed_in_client(user)
    keys = [session_key(phone), session_key(laptop)]
    assert UserSession.objects.filter(user=user).count() == 2

    forgetful = Client()
    identity = {
        "document_type": user.document_type,
        "document_number": user.document_number,
        "full_name": user.full_name,
    }
    url = reverse("accounts:reset_password")
    response = forgetful.post(
        url, {**identity, "captcha_0": "x", "captcha_1": "PASSED", "action": "send_code"}
    )
    assert response.status_code == 200
    response = forgetful.post(
        url,
        {
            **identity,
            "sms_code": last_code_for(user.mobile),
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "action": "submit",
        },
    )
    assert response.status_code == 302

    assert not is_signed_in(phone)
    assert not is_signed_in(laptop)
    assert all(session_is_gone(key) for key in keys)
    assert not UserSession.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_password_change_ends_the_other_sessions_only():
    user = ApplicantFactory()
    here, elsewhere = signed_in_client(user), signed_in_client(user)
    other_key = session_key(elsewhere)

    response = here.post(
        ACCOUNT, {"old_password": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert session_is_gone(other_key)
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        session_key(here)
    ]


@pytest.mark.django_db
def test_wrong_current_password_changes_nothing():
    user = ApplicantFactory()
    here, elsewhere = signed_in_client(user), signed_in_client(user)

    response = here.post(
        ACCOUNT, {"old_password": "Not-the-password-1", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert "当前密码不正确" in response.content.decode()
    assert is_signed_in(elsewhere)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_session_kept_after_a_password_change_can_still_be_ended():
    user = ApplicantFactory()
    here = signed_in_client(user)
    here.post(ACCOUNT, {"old_password": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert is_signed_in(here)

    assert end_sessions(user) == 1

    assert not is_signed_in(here)
