"""Maintenance and read-only modes, switched by the command and the admin, on pages and the API.

- maintenance: applicants and visitors get a 503 page with the expected end (the API a JSON 503), both
  with Retry-After; staff pages and the staff sign-in go on; health checks answer;
- read-only: pages and the API are read as usual and sign-in works; every other write is refused with a
  503 that says so, and nothing is written;
- the switch is audited and seen at once; back to normal, everything works again.
"""

from datetime import timedelta

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from kuaiji.accounts.models import User
from kuaiji.accounts.tests.factories import PASSWORD, ApplicantFactory
from kuaiji.audit.models import AuditEvent
from kuaiji.core.platform_mode import current_mode, forget_cached_mode, set_mode
from kuaiji.review.tests.conftest import reviewer_for  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_mode():
    forget_cached_mode()
    yield
    forget_cached_mode()


def test_maintenance_shows_when_it_ends_to_applicants_and_lets_staff_on(client, reviewer_for, departments):  # noqa: F811
    until = timezone.now() + timedelta(hours=2)
    call_command(
        "platform_mode",
        "maintenance",
        "--until",
        timezone.localtime(until).strftime("%Y-%m-%d %H:%M"),
        "--message",
        "系统升级",
    )
    forget_cached_mode()
    assert current_mode().mode == "maintenance"
    page = client.get("/sign-in/")
    html = page.content.decode()
    assert page.status_code == 503 and "系统维护中" in html and "系统升级" in html
    assert timezone.localtime(until).strftime("%Y-%m-%d %H:%M") in html
    assert 3600 < int(page["Retry-After"]) <= 7200
    api = client.get("/api/v1/me/submission")
    assert api.status_code == 503 and api.json()["code"] == "maintenance" and "Retry-After" in api
    assert client.get("/healthz/").status_code == 200
    assert client.get("/staff/sign-in/").status_code == 200
    staff = reviewer_for("630102")
    assert staff.get(reverse("review:queue")).status_code == 200
    event = AuditEvent.objects.get(action="platform.mode_set")
    assert event.details["mode"] == "maintenance"


def test_read_only_lets_people_sign_in_and_look_but_refuses_writes(client, departments):
    person = ApplicantFactory()
    set_mode(mode="read_only", message="数据库迁移")
    forget_cached_mode()
    assert client.get("/sign-in/").status_code == 200
    signed_in = client.post("/sign-in/", {"login": person.document_number, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get(reverse("collection:overview")).status_code == 200
    refused = client.post(reverse("collection:start"))
    assert refused.status_code == 503 and "不能提交或修改" in refused.content.decode()
    assert not person.submissions.exists()
    registered = Client().post("/register/", {"document_number": "x", "action": "submit"})
    assert registered.status_code == 503
    api = Client().post("/api/v1/me/submission", content_type="application/json")
    assert api.status_code == 503 and api.json()["code"] == "read_only"
    assert User.objects.count() == 1

    set_mode(mode="normal")
    forget_cached_mode()
    assert client.post(reverse("collection:start")).status_code == 302
    assert person.submissions.exists()
