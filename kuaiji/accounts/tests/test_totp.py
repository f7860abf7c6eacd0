"""The staff TOTP check (defect 18): one service, ``check_staff_totp``, for the page and the API.

Requirements covered:
- a correct code right after a wrong one is refused by django-otp's throttling; the page then says when to
  try again ("请在 N 秒后再试"), not that the code is wrong, and a correct code after the wait signs in;
- the API answers the same (429 ``totp_throttled`` with the wait).
"""

from datetime import timedelta
from unittest import mock

from django.urls import reverse
from django.utils import timezone

import pytest

from .factories import PASSWORD, StaffFactory, current_token

pytestmark = pytest.mark.django_db
WRONG_CODE = "动态验证码不正确"


def code_now(staff) -> str:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=staff)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code(staff) -> str:
    return "000000" if code_now(staff) != "000000" else "111111"


def test_a_correct_code_right_after_a_wrong_one_says_when_to_try_again(client):
    staff = StaffFactory(username="totp1")
    current_token(staff)  # a fresh device: no failures yet
    client.post(reverse("accounts:staff_sign_in"), {"username": "totp1", "password": PASSWORD})
    first = client.post(reverse("accounts:staff_verify"), {"token": wrong_code(staff)})
    assert WRONG_CODE in first.content.decode()

    second = client.post(reverse("accounts:staff_verify"), {"token": code_now(staff)})

    page = second.content.decode()
    assert second.status_code == 429
    assert WRONG_CODE not in page
    assert "秒后再试" in page
    later = timezone.now() + timedelta(seconds=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        third = client.post(reverse("accounts:staff_verify"), {"token": code_now(staff)})
    assert third.status_code == 302


def test_the_api_says_when_to_try_again_too(client, departments):
    staff = StaffFactory(username="totp2", department=departments["630000"])
    current_token(staff)
    url = "/api/v1/staff/tokens"
    body = {"username": "totp2", "password": PASSWORD}
    first = client.post(url, {**body, "totp": wrong_code(staff)}, content_type="application/json")
    assert first.status_code == 401

    second = client.post(url, {**body, "totp": code_now(staff)}, content_type="application/json")

    assert second.status_code == 429, second.json()
    assert second.json()["code"] == "totp_throttled"
    assert "秒后再试" in second.json()["message"]
