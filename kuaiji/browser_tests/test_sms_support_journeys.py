"""短信记录 in a real browser, at a phone and a desktop size, with a screenshot (and the axe audit) of every
step: support finds why a code did not arrive and resends it.

A person asks for a password-reset code on a number ending in 0: the outbox plays a switched-off phone, so
that first message fails (用户关机或不在服务区) and later ones arrive (kuaiji.accounts.sms.OutboxBackend).
A 客服人员 types the whole number, sees the message masked and 失败 with the reason but no code, and
resends it once; the new code arrives and the person resets the password with it.
"""

import re
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from playwright.sync_api import Page, expect

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.models import SmsCode
from kuaiji.accounts.tests.factories import ApplicantFactory, StaffFactory
from kuaiji.accounts.tests.helpers import last_code_for
from kuaiji.regions.demo import ensure_demo_departments
from kuaiji.regions.loader import load_divisions

from .conftest import VIEWPORTS
from .test_account_journeys import NEW_PASSWORD, field, send_code, sign_in, sign_out
from .test_review_journeys import staff_sign_in

SWITCHED_OFF = "13912345670"


def test_support_finds_why_a_code_did_not_arrive_and_resends_it(
    page: Page, shot, browser, live_server, viewport
):
    load_divisions()  # the live server's flush took the data migrations' rows
    departments = ensure_demo_departments()
    person = ApplicantFactory(mobile=SWITCHED_OFF)
    support = StaffFactory.create(department=departments["630000"], full_name="省厅客服人员")
    support.groups.add(Group.objects.get_or_create(name=StaffRole.SUPPORT)[0])

    # The person asks for a code; the provider reports that it failed.
    page.goto("/password/reset/")
    field(page, "证件号码").fill(person.document_number)
    field(page, "姓名").fill(person.full_name)
    first_code = send_code(page, SWITCHED_OFF)
    shot(page, "person-asked-for-a-code")

    # A minute later the person calls support (the 60-second limit would hold a resend before then).
    SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    cache.clear()
    person_page = page
    # Support works in a browser of its own.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **VIEWPORTS[viewport])
    staff_page = context.new_page()
    staff_sign_in(staff_page, support)
    staff_page.get_by_role("navigation", name="工作人员").get_by_role("link", name="短信记录").click()
    expect(staff_page.get_by_role("heading", level=1)).to_have_text("短信记录")
    shot(staff_page, "support-log-empty")

    # Part of the number finds nothing.
    field(staff_page, "手机号码").fill(SWITCHED_OFF[:7])
    staff_page.get_by_role("button", name="查询").click()
    expect(staff_page.get_by_role("alert")).to_contain_text("手机号码应为 11 位数字")
    shot(staff_page, "support-partial-number")

    field(staff_page, "手机号码").fill(SWITCHED_OFF)
    staff_page.get_by_role("button", name="查询").click()
    expect(staff_page.get_by_role("heading", level=2)).to_have_text("发往 139****5670 的短信")
    row = staff_page.locator("table.sms-log tbody tr").first
    expect(row).to_contain_text("验证码短信（找回密码）")
    expect(row).to_contain_text("失败")
    expect(row).to_contain_text("用户关机或不在服务区")
    main = staff_page.get_by_role("main")
    expect(main).not_to_contain_text(SWITCHED_OFF)
    expect(main).not_to_contain_text(first_code)
    shot(staff_page, "support-finds-the-failure")

    row.get_by_role("button", name="重发").click()
    expect(staff_page.locator(".notice-success")).to_contain_text("已重新发送验证码短信")
    rows = staff_page.locator("table.sms-log tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("已送达")
    expect(rows.first).to_contain_text("客服重发")
    expect(rows.nth(1)).to_contain_text("已重发")
    expect(staff_page.get_by_role("button", name="重发")).to_have_count(0)
    new_code = last_code_for(SWITCHED_OFF)
    expect(staff_page.get_by_role("main")).not_to_contain_text(new_code)
    shot(staff_page, "support-resent")
    context.close()

    # The person uses the new code.
    field(person_page, "短信验证码").fill(new_code)
    field(person_page, "新密码").fill(NEW_PASSWORD)
    field(person_page, "确认新密码").fill(NEW_PASSWORD)
    person_page.get_by_role("button", name="重设密码").click()
    expect(person_page).to_have_url(re.compile(r"/sign-in/$"))
    expect(person_page.locator(".notice-success")).to_contain_text("密码已重设")
    shot(person_page, "person-reset-with-the-new-code")
    sign_in(person_page, SWITCHED_OFF, NEW_PASSWORD)
    sign_out(person_page)
