"""Department administrators (部门管理员) manage the staff and directory entries of their department and the
departments below it:

- only verified staff holding the role (or superusers) reach the pages; others get 403, anonymous people
  the staff sign-in page;
- the staff list shows the staff in scope with roles, status and whether a TOTP device is set, never
  platform administrators or staff outside scope, in a bounded number of queries;
- a new staff member gets roles among 审核员/部门管理员/审计员 only, a department in scope, an initial
  password and a TOTP secret shown once, with which they can sign in;
- deactivating ends the person's sessions; resetting the TOTP device shows a new secret once, the old
  codes stop working and the sessions end; roles can be changed, never one's own;
- out of scope, platform administrators → 404; oneself → 403; every change is audited;
- the directory entry (address, phones, office hours) of a department in scope can be edited, audited,
  and the public directory shows it at once.
"""

import base64
import html
import re

from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.models import User
from kuaiji.accounts.tests.factories import ApplicantFactory, StaffFactory, sign_in_staff
from kuaiji.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SECRET = re.compile(r"<code>([A-Z2-7]{16,}=*)</code>")
URI = re.compile(r"<code>(otpauth://totp/[^<]+)</code>")


@pytest.fixture
def admin_for(reviewer_for):
    def make(code):
        return reviewer_for(code, role=StaffRole.DEPARTMENT_ADMIN)

    return make


def staff_in(departments, code, *roles, **fields):
    staff = StaffFactory(department=departments[code], **fields)
    for role in roles or (StaffRole.REVIEWER,):
        staff.groups.add(Group.objects.get_or_create(name=role)[0])
    return staff


def signed_in(staff) -> Client:
    client = Client()
    sign_in_staff(client, staff)
    return client


def code_from(secret: str) -> str:
    return f"{totp(base64.b32decode(secret)):06d}"


def create(client, departments, **overrides):
    data = {
        "username": "chengdong.li",
        "full_name": "李青禾",
        "department": departments["630102"].pk,
        "roles": [StaffRole.REVIEWER],
        **overrides,
    }
    return client.post(reverse("review:staff_create"), data)


def test_only_department_admins_reach_the_pages(reviewer_for, departments, client):
    other = staff_in(departments, "630102")
    urls = [
        reverse("review:staff_list"),
        reverse("review:staff_create"),
        reverse("review:staff_detail", args=[other.uuid]),
        reverse("review:department_edit", args=["630102"]),
    ]
    reviewer = reviewer_for("630100")
    auditor = reviewer_for("630100", role=StaffRole.AUDITOR)
    for url in urls:
        assert reviewer.get(url).status_code == 403, url
        assert auditor.get(url).status_code == 403, url
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/staff/sign-in/"), url
    applicant = Client()
    applicant.force_login(ApplicantFactory())
    assert applicant.get(urls[0]).status_code == 403
    for name in ("staff_roles", "staff_deactivate", "staff_totp_reset"):
        assert reviewer.post(reverse(f"review:{name}", args=[other.uuid])).status_code == 403
    other.refresh_from_db()
    assert other.is_active


def test_home_page_links_to_staff_management_for_department_admins_only(admin_for, reviewer_for):
    link = reverse("review:staff_list")
    assert link in admin_for("630100").get(reverse("accounts:home")).content.decode()
    assert link not in reviewer_for("630100").get(reverse("accounts:home")).content.decode()


def test_the_list_shows_staff_in_scope_only(admin_for, departments, django_assert_max_num_queries):
    admin = admin_for("630100")
    county = staff_in(departments, "630102", StaffRole.REVIEWER, StaffRole.AUDITOR, full_name="赵明川")
    without_device = staff_in(departments, "630103", full_name="钱若水", totp_device=False)
    elsewhere = staff_in(departments, "632801", full_name="孙定远")
    above = staff_in(departments, "630000", full_name="周望舒")
    platform = staff_in(departments, "630102", StaffRole.PLATFORM_ADMIN, full_name="吴子衿")
    for _ in range(5):
        staff_in(departments, "630106")
    with django_assert_max_num_queries(12):
        response = admin.get(reverse("review:staff_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert county.full_name in page and county.username in page
    assert "审核员、审计员" in page
    assert without_device.full_name in page and "未设置" in page
    assert admin.staff.full_name in page and "（本人）" in page
    for hidden in (elsewhere, above, platform):
        assert hidden.full_name not in page
    assert reverse("review:department_edit", args=["630102"]) in page
    assert reverse("review:department_edit", args=["632801"]) not in page


def test_creating_a_staff_member_shows_password_and_secret_once_and_they_can_sign_in(admin_for, departments):
    admin = admin_for("630100")
    response = create(admin, departments, roles=[StaffRole.REVIEWER, StaffRole.AUDITOR])
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    user = User.objects.get(username="chengdong.li")
    assert user.is_staff_member and user.department == departments["630102"]
    assert not user.is_staff and not user.is_superuser
    assert set(user.groups.values_list("name", flat=True)) == {StaffRole.AUDITOR, StaffRole.REVIEWER}
    secret = SECRET.search(page).group(1)
    uri = html.unescape(URI.search(page).group(1))
    assert f"secret={secret}" in uri and "chengdong.li" in uri
    password = re.search(r"初始密码</dt><dd><code>([^<]+)</code>", page).group(1)
    assert user.check_password(password)
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and base64.b32encode(device.bin_key).decode() == secret

    event = AuditEvent.objects.get(action="staff.created")
    assert event.actor == admin.staff and event.target_id == str(user.uuid)
    assert event.details["roles"] == sorted([StaffRole.AUDITOR, StaffRole.REVIEWER])
    assert password not in str(event.details) and secret not in str(event.details)

    # Never shown again.
    detail = admin.get(reverse("review:staff_detail", args=[user.uuid])).content.decode()
    assert secret not in detail and password not in detail

    # The person signs in with the password and a code from the secret.
    newcomer = Client()
    response = newcomer.post("/staff/sign-in/", {"username": "chengdong.li", "password": password})
    assert response.status_code == 302
    response = newcomer.post("/staff/sign-in/verify/", {"token": code_from(secret)})
    assert response.status_code == 302
    assert newcomer.get(reverse("review:queue")).status_code == 200


def test_creating_refuses_platform_admin_role_other_departments_and_taken_names(admin_for, departments):
    admin = admin_for("630102")
    taken = staff_in(departments, "630102")
    attempts = [
        {"roles": [StaffRole.PLATFORM_ADMIN]},
        {"roles": [StaffRole.REVIEWER, StaffRole.PLATFORM_ADMIN]},
        {"roles": []},
        {"department": departments["632801"].pk},
        {"department": departments["630100"].pk},  # above the administrator's department
        {"username": taken.username.upper()},
        {"username": "1abc"},
        {"full_name": "李4"},
    ]
    for overrides in attempts:
        response = create(admin, departments, **overrides)
        assert response.status_code == 200, overrides
        assert "请修改以下问题" in response.content.decode(), overrides
    assert not User.objects.filter(username="chengdong.li").exists()
    assert not AuditEvent.objects.filter(action="staff.created").exists()
    form = admin.get(reverse("review:staff_create")).content.decode()
    assert StaffRole.PLATFORM_ADMIN.value not in form
    assert departments["632801"].name not in form


def test_deactivating_ends_the_persons_sessions(admin_for, departments):
    admin = admin_for("630100")
    colleague = staff_in(departments, "630102")
    colleague_client = signed_in(colleague)
    assert colleague_client.get(reverse("review:queue")).status_code == 200

    response = admin.post(reverse("review:staff_deactivate", args=[colleague.uuid]))
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active
    response = colleague_client.get(reverse("review:queue"))
    assert response.status_code == 302 and response["Location"].startswith("/staff/sign-in/")
    event = AuditEvent.objects.get(action="staff.deactivated")
    assert event.actor == admin.staff and event.target_id == str(colleague.uuid)
    assert "已停用" in admin.get(reverse("review:staff_list")).content.decode()

    # Again: nothing changes, nothing more is recorded.
    admin.post(reverse("review:staff_deactivate", args=[colleague.uuid]))
    assert AuditEvent.objects.filter(action="staff.deactivated").count() == 1


def test_resetting_the_totp_device_shows_a_new_secret_once_and_ends_sessions(admin_for, departments):
    admin = admin_for("630100")
    colleague = staff_in(departments, "630102")
    colleague_client = signed_in(colleague)
    old_key = TOTPDevice.objects.get(user=colleague).key

    response = admin.post(reverse("review:staff_totp_reset", args=[colleague.uuid]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    secret = SECRET.search(page).group(1)
    assert "初始密码" not in page
    device = TOTPDevice.objects.get(user=colleague)
    assert device.key != old_key and base64.b32encode(device.bin_key).decode() == secret
    assert colleague_client.get(reverse("review:queue")).status_code == 302
    assert AuditEvent.objects.filter(
        action="staff.totp_reset", actor=admin.staff, target_id=str(colleague.uuid)
    ).exists()

    # The old authenticator no longer works; the new one does.
    fresh = Client()
    fresh.post("/staff/sign-in/", {"username": colleague.username, "password": "Kuaiji2026pass"})
    old_code = f"{totp(bytes.fromhex(old_key)):06d}"
    if old_code != code_from(secret):
        assert fresh.post("/staff/sign-in/verify/", {"token": old_code}).status_code != 302
        # django-otp slows down the next try after a failure; a person would wait a second.
        TOTPDevice.objects.filter(user=colleague).update(throttling_failure_count=0)
    assert fresh.post("/staff/sign-in/verify/", {"token": code_from(secret)}).status_code == 302


def test_roles_can_be_changed_but_never_to_platform_admin(admin_for, departments):
    admin = admin_for("630100")
    colleague = staff_in(departments, "630102")
    url = reverse("review:staff_roles", args=[colleague.uuid])
    response = admin.post(url, {"roles": [StaffRole.DEPARTMENT_ADMIN, StaffRole.REVIEWER]})
    assert response.status_code == 302
    assert set(colleague.groups.values_list("name", flat=True)) == {
        StaffRole.DEPARTMENT_ADMIN,
        StaffRole.REVIEWER,
    }
    event = AuditEvent.objects.get(action="staff.roles_changed")
    assert event.details == {
        "before": [StaffRole.REVIEWER],
        "after": sorted([StaffRole.DEPARTMENT_ADMIN, StaffRole.REVIEWER]),
    }

    response = admin.post(url, {"roles": [StaffRole.PLATFORM_ADMIN]})
    assert response.status_code == 200
    assert "不能授予该角色" in response.content.decode()
    assert not colleague.groups.filter(name=StaffRole.PLATFORM_ADMIN).exists()


def test_nobody_acts_on_themselves_platform_admins_or_staff_outside_scope(admin_for, departments):
    admin = admin_for("630102")
    me = admin.staff
    outside = staff_in(departments, "632801")
    above = staff_in(departments, "630100")
    platform = staff_in(departments, "630102", StaffRole.PLATFORM_ADMIN)
    superuser = staff_in(departments, "630102", is_superuser=True)
    applicant = ApplicantFactory()
    actions = ("staff_roles", "staff_deactivate", "staff_totp_reset")

    assert admin.get(reverse("review:staff_detail", args=[me.uuid])).status_code == 200
    for name in actions:
        response = admin.post(reverse(f"review:{name}", args=[me.uuid]), {"roles": [StaffRole.REVIEWER]})
        assert response.status_code == 403, name
    for person in (outside, above, platform, superuser, applicant):
        assert admin.get(reverse("review:staff_detail", args=[person.uuid])).status_code == 404
        for name in actions:
            response = admin.post(reverse(f"review:{name}", args=[person.uuid]), {"roles": ["审核员"]})
            assert response.status_code == 404, (name, person)
    for person in (me, outside, above, platform, superuser, applicant):
        person.refresh_from_db()
        assert person.is_active
    assert me.groups.filter(name=StaffRole.DEPARTMENT_ADMIN).exists()
    assert TOTPDevice.objects.get(user=outside).key == TOTPDevice.objects.get(user=above).key  # untouched
    assert not AuditEvent.objects.filter(
        action__in=["staff.created", "staff.roles_changed", "staff.deactivated", "staff.totp_reset"]
    ).exists()


def test_a_superuser_with_a_department_may_manage_it(departments):
    root = StaffFactory(department=departments["630000"], is_superuser=True, is_staff=True)
    client = signed_in(root)
    colleague = staff_in(departments, "632801")
    assert colleague.full_name in client.get(reverse("review:staff_list")).content.decode()
    assert client.post(reverse("review:staff_deactivate", args=[colleague.uuid])).status_code == 302


def test_editing_a_directory_entry_in_scope(admin_for, departments, client):
    admin = admin_for("630100")
    url = reverse("review:department_edit", args=["630102"])
    page = admin.get(url).content.decode()
    assert departments["630102"].address in page
    response = admin.post(
        url,
        {
            "address": "西宁市城东区虚构街 8 号",
            "phones": "0971-5550299、0971-5550298转8001",
            "office_hours": "周一至周五 9:00–17:00",
        },
    )
    assert response.status_code == 302
    department = departments["630102"]
    department.refresh_from_db()
    assert department.address == "西宁市城东区虚构街 8 号"
    assert department.phones == "0971-5550299，0971-5550298转8001"
    event = AuditEvent.objects.get(action="department.contacts_updated")
    assert event.actor == admin.staff
    assert set(event.details) == {"address", "phones", "office_hours"}
    directory = client.get(reverse("regions:directory")).content.decode()
    assert "西宁市城东区虚构街 8 号" in directory and "tel:09715550299" in directory

    # Unchanged: no event.
    admin.post(
        url,
        {"address": department.address, "phones": department.phones, "office_hours": department.office_hours},
    )
    assert AuditEvent.objects.filter(action="department.contacts_updated").count() == 1

    response = admin.post(url, {"address": "", "phones": "请拨打总机", "office_hours": ""})
    assert response.status_code == 200 and "电话号码格式不正确" in response.content.decode()


def test_directory_entries_outside_scope_are_not_found(admin_for, departments):
    admin = admin_for("630102")
    for code in ("632801", "630100", "630000", "999999"):
        url = reverse("review:department_edit", args=[code])
        assert admin.get(url).status_code == 404, code
        assert admin.post(url, {"address": "x", "phones": "", "office_hours": ""}).status_code == 404
    departments["630100"].refresh_from_db()
    assert departments["630100"].address != "x"
    assert admin.get(reverse("review:department_edit", args=["630102"])).status_code == 200


def test_a_directory_entry_can_be_cleared(admin_for, departments):
    admin = admin_for("630102")
    response = admin.post(reverse("review:department_edit", args=["630102"]), {})
    assert response.status_code == 302
    department = departments["630102"]
    department.refresh_from_db()
    assert (department.address, department.phones, department.office_hours) == ("", "", "")
