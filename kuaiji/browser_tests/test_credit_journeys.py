"""信用档案 in a real browser at a phone and a desktop size (issue 12); axe-core audits every step.

Requirements covered:
- a reviewer records an award and a penalty against an archived person from the person's archive page;
- a second reviewer finds them in 信用记录复核 and publishes them (the first cannot: four eyes);
- the person sees both on 我的信用记录 and objects to the penalty;
- the first reviewer upholds the objection with a correction, the second publishes the correction, and
  the person sees the entry corrected, with the objection's outcome.
"""

import re

from django.contrib.auth.models import Group

import pytest
from playwright.sync_api import Page, expect

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.tests.factories import PASSWORD, StaffFactory
from kuaiji.archive.models import ArchiveRecord
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.credit.models import CreditEntry

from .test_account_journeys import field, sign_in
from .test_collection_journeys import reference_data  # noqa: F401  (fixture)
from .test_review_journeys import staff_sign_in


@pytest.fixture
def people(reference_data):  # noqa: F811
    group, _ = Group.objects.get_or_create(name=StaffRole.REVIEWER)
    reviewers = []
    for name in ("欧阳明远", "司马静言"):
        staff = StaffFactory(department=reference_data["630102"], full_name=name)
        staff.groups.add(group)
        reviewers.append(staff)
    submission = SubmissionFactory.create(approved=True, department="630102")
    return ArchiveRecord.objects.get(person=submission.applicant), reviewers


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.locator(".notice")).to_contain_text("您已安全退出")


def fill_entry(page: Page, *, kind: str, title: str, **fields: str) -> None:
    page.get_by_label(kind).check()
    field(page, "名称或事由").fill(title)
    for label, value in fields.items():
        control = field(page, label)
        if control.evaluate("element => element.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)


def publish_all(page: Page, shot, titles: list[str]) -> None:
    page.goto("/credit/")
    for title in titles:
        expect(page.get_by_role("cell", name=title)).to_be_visible()
    shot(page, "queue")
    for title in titles:
        page.goto("/credit/")
        page.get_by_role("row", name=re.compile(title)).get_by_role("link").click()
        page.get_by_role("button", name="复核通过并公示").click()
        expect(page.locator(".notice-success")).to_contain_text("已复核并公示")


def test_record_publish_object_and_correct(page: Page, shot, people):
    record, (first, second) = people
    staff_sign_in(page, first)
    page.goto(f"/archive/{record.uuid}/")
    page.get_by_role("link", name=re.compile("信用档案")).click()
    page.get_by_role("link", name="新增信用记录").click()
    fill_entry(
        page,
        kind="守信（表彰奖励）",
        title="全省先进会计工作者",
        表彰级别="省级",
        授予或决定机关="青海省财政厅",
        文号="青财会〔2026〕12 号",
        授予或决定日期="2026-11-20",
        有效期起="2026-11-20",
    )
    # The penalty's fields are hidden for an award.
    expect(field(page, "处罚依据")).to_be_hidden()
    shot(page, "award-form")
    page.get_by_role("button", name="记录并提交复核").click()
    expect(page.locator(".notice-success")).to_contain_text("等待另一名工作人员复核")
    expect(page.get_by_role("button", name="复核通过并公示")).to_have_count(0)

    page.goto(f"/credit/records/{record.uuid}/new/")
    page.get_by_role("button", name="记录并提交复核").click()
    expect(page.locator(".error-summary")).to_contain_text("请选择类别")
    fill_entry(
        page,
        kind="失信（处罚）",
        title="未按规定填制会计凭证",
        处罚种类="罚款",
        处罚依据="《中华人民共和国会计法》第四十二条",
        授予或决定机关="西宁市城东区财政局",
        授予或决定日期="2026-11-25",
        有效期起="2026-11-25",
        有效期止="2029-11-24",
    )
    shot(page, "penalty-form")
    page.get_by_role("button", name="记录并提交复核").click()
    expect(page.locator(".notice-success")).to_contain_text("等待另一名工作人员复核")
    sign_out(page)

    staff_sign_in(page, second)
    publish_all(page, shot, ["全省先进会计工作者", "未按规定填制会计凭证"])
    sign_out(page)

    page.goto("/sign-in/")
    sign_in(page, record.person.document_number, PASSWORD)
    page.goto("/account/credit/")
    expect(page.get_by_role("heading", name="守信（表彰奖励）：全省先进会计工作者")).to_be_visible()
    shot(page, "mine")
    penalty = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("未按规定填制会计凭证"))
    )
    penalty.get_by_role("link", name="对这条记录提出异议").click()
    page.get_by_role("button", name="提交异议").click()
    expect(page.locator(".error-summary")).to_contain_text("请填写异议理由")
    field(page, "异议理由").fill("处罚决定已变更为警告，附变更决定书。")
    shot(page, "objection")
    page.get_by_role("button", name="提交异议").click()
    expect(page.locator(".notice-success")).to_contain_text("异议已提交")
    sign_out(page)

    staff_sign_in(page, first)
    page.goto("/credit/")
    page.get_by_role("row", name=re.compile("未按规定填制会计凭证")).get_by_role("link").click()
    page.get_by_label("异议成立", exact=True).check()
    page.get_by_label("更正该记录").check()
    field(page, "处理意见").fill("经核实，处罚已变更为警告")
    shot(page, "objection-decision")
    page.get_by_role("button", name="提交处理结论").click()
    expect(page.locator(".notice", has_text="这条记录将更正")).to_be_visible()
    field(page, "处罚种类").select_option(label="警告")
    page.get_by_role("button", name="记录并提交复核").click()
    expect(page.locator(".notice-success")).to_contain_text("等待另一名工作人员复核")
    sign_out(page)

    staff_sign_in(page, second)
    publish_all(page, shot, ["未按规定填制会计凭证"])
    sign_out(page)

    page.goto("/sign-in/")
    sign_in(page, record.person.document_number, PASSWORD)
    page.goto("/account/credit/")
    expect(page.get_by_text("已更正").first).to_be_visible()
    expect(page.get_by_text(re.compile("异议成立"))).to_be_visible()
    shot(page, "corrected")
    states = sorted(CreditEntry.objects.filter(record=record).values_list("state", flat=True))
    assert states == ["corrected", "published", "published"]
