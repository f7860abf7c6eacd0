"""Requirements covered: the audit log search at ``/audit/`` is open to platform administrators and
auditors only (verified staff; reviewers get 403, anonymous visitors the staff sign-in); it filters by
action (prefix), actor name, target id, local date range and client address; it is paginated, newest
first; every search is itself audited (``audit.searched``); and the page offers no way to change an entry.
"""

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

import pytest

from kuaiji.accounts.constants import StaffRole
from kuaiji.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/audit/"


def event(action, *, when=None, **fields):
    return AuditEvent.objects.create(action=action, occurred_at=when or timezone.now(), **fields)


def shown_actions(response) -> list[str]:
    return [e.action for e in response.context["events"] if e.action.startswith("test.")]


def test_url():
    assert reverse("audit:search") == URL


def test_anonymous_visitors_are_sent_to_the_staff_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:staff_sign_in"))


def test_reviewers_and_department_admins_are_refused(staff_client):
    for role in (StaffRole.REVIEWER, StaffRole.DEPARTMENT_ADMIN):
        assert staff_client(role).get(URL).status_code == 403
    assert not AuditEvent.objects.filter(action="audit.searched").exists()


@pytest.mark.parametrize("role", [StaffRole.AUDITOR, StaffRole.PLATFORM_ADMIN])
def test_auditors_and_platform_admins_search(staff_client, role):
    response = staff_client(role).get(URL)
    assert response.status_code == 200
    assert "审计日志" in response.content.decode()


def test_a_signed_in_applicant_is_refused(client, departments):
    from kuaiji.accounts.tests.factories import ApplicantFactory

    client.force_login(ApplicantFactory())
    assert client.get(URL).status_code == 403


def test_each_search_is_audited(staff_client):
    auditor = staff_client(StaffRole.AUDITOR)
    auditor.get(URL, {"action": "submission.", "target_id": "abc"})
    searched = AuditEvent.objects.get(action="audit.searched")
    assert searched.actor == auditor.staff
    assert searched.client_ip == "127.0.0.1"
    assert searched.details["filters"] == {"action": "submission.", "target_id": "abc"}
    assert searched.details["page"] == 1


def test_newest_first_and_paginated(staff_client):
    auditor = staff_client(StaffRole.AUDITOR)
    start = timezone.now() - timedelta(hours=2)
    for number in range(60):
        event(f"test.n{number:02d}", when=start + timedelta(minutes=number))
    first = auditor.get(URL, {"action": "test."})
    assert shown_actions(first)[:2] == ["test.n59", "test.n58"]
    assert len(first.context["events"]) == 50
    assert "action=test.&amp;page=2" in first.content.decode()
    second = auditor.get(URL, {"action": "test.", "page": 2})
    assert shown_actions(second) == [f"test.n{number:02d}" for number in range(9, -1, -1)]


def test_filters(staff_client, departments):
    auditor = staff_client(StaffRole.AUDITOR)
    other = staff_client(StaffRole.REVIEWER, full_name="欧阳测试")
    local = timezone.get_current_timezone()
    event("test.approved", actor=other.staff, target_id="t-1", client_ip="10.0.0.1")
    event("test.returned", target_id="t-2", client_ip="10.0.0.2")
    # 00:30 on 1 March, Beijing time: still 28 February in UTC.
    event("test.old", when=datetime(2026, 3, 1, 0, 30, tzinfo=local), target_id="t-3")

    assert shown_actions(auditor.get(URL, {"action": "test.app"})) == ["test.approved"]
    assert shown_actions(auditor.get(URL, {"actor": "欧阳"})) == ["test.approved"]
    assert shown_actions(auditor.get(URL, {"actor": other.staff.username})) == ["test.approved"]
    assert shown_actions(auditor.get(URL, {"target_id": "t-2"})) == ["test.returned"]
    assert shown_actions(auditor.get(URL, {"client_ip": "10.0.0.2"})) == ["test.returned"]
    one_day = {"occurred_from": "2026-03-01", "occurred_to": "2026-03-01"}
    assert shown_actions(auditor.get(URL, one_day)) == ["test.old"]
    assert shown_actions(auditor.get(URL, {"occurred_to": "2026-02-28"})) == []
    assert shown_actions(auditor.get(URL, {"occurred_from": "2026-03-02", "action": "test."})) == [
        "test.returned",
        "test.approved",
    ]


def test_an_invalid_filter_is_reported_and_the_others_still_apply(staff_client):
    auditor = staff_client(StaffRole.AUDITOR)
    event("test.approved", target_id="t-1")
    event("test.returned", target_id="t-2")
    response = auditor.get(URL, {"client_ip": "not-an-address", "target_id": "t-1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "not-an-address" in page  # what was typed is kept
    assert shown_actions(response) == ["test.approved"]
    reversed_range = auditor.get(URL, {"occurred_from": "2026-03-02", "occurred_to": "2026-03-01"})
    assert "结束日期不能早于开始日期" in reversed_range.content.decode()


def test_the_page_changes_nothing(staff_client):
    auditor = staff_client(StaffRole.PLATFORM_ADMIN)
    target = event("test.approved")
    assert auditor.post(URL, {"action": "x"}).status_code == 405
    assert AuditEvent.objects.filter(pk=target.pk).exists()
    assert '<form method="post"' not in auditor.get(URL).content.decode().split("<main", 1)[1]


def test_query_count(staff_client, django_assert_max_num_queries):
    auditor = staff_client(StaffRole.AUDITOR)
    for number in range(30):
        event(f"test.n{number}", actor=auditor.staff, target_id=str(number))
    with django_assert_max_num_queries(12):
        response = auditor.get(URL)
    assert response.status_code == 200
    assert "test.n29" in response.content.decode()


def test_staff_home_links_to_the_log_only_for_readers(staff_client):
    assert URL in staff_client(StaffRole.AUDITOR).get("/").content.decode()
    assert f'href="{URL}"' not in staff_client(StaffRole.REVIEWER).get("/").content.decode()
