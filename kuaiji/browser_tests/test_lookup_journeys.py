"""证明查验 / 公开查询 in a real browser (issue 12): an employer uses the public lookup, at a phone and a
desktop size; axe-core audits every step.

From the sign-in page's footer the employer opens 人员信息查询, sends the form empty (the summary and a
message beside each field), types a number with a wrong check digit (told beside the field, what was
typed kept), then the person's name and number: the result says 已完成信息采集, the qualification level,
the department and the two credit entries in effect, masked number, the time, and that it is no
certificate. Looking up the same number with another name gives the neutral not-found answer.
"""

import re
from datetime import timedelta

from django.utils import timezone

from playwright.sync_api import Page, expect

from kuaiji.accounts.tests.factories import ApplicantFactory
from kuaiji.archive.models import ArchiveRecord
from kuaiji.collection.tests import helpers as collection_helpers
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.core.validators import mask_document_number
from kuaiji.lookup.tests.helpers import credit_entry

from .test_account_journeys import field
from .test_collection_journeys import reference_data  # noqa: F401

FULL_NAME = "马晓东"
DOCUMENT_NUMBER = "630102198807152614"  # generated: 城东区, born 1988-07-15


def approved_record(reference_data) -> ArchiveRecord:  # noqa: F811
    person = ApplicantFactory.create(full_name=FULL_NAME, document_number=DOCUMENT_NUMBER)
    sections = {
        "personal": {"full_name": FULL_NAME, "sex": "male", "birth_date": "1988-07-15"},
        "qualification": collection_helpers.QUALIFICATION_JUNIOR,
    }
    SubmissionFactory.create(approved=True, applicant=person, sections=sections)
    record = ArchiveRecord.objects.get(person=person)
    assert record.full_name == FULL_NAME  # the archive's name is the approved answers'
    today = timezone.localdate()
    credit_entry(
        record,
        kind="award",
        title="全省会计行业先进个人",
        penalty_type="",
        award_level="provincial",
        legal_basis="",
        authority="青海省财政厅",
        document_number="青财会〔2025〕12号",
        decided_on=today - timedelta(days=200),
        effective_from=today - timedelta(days=200),
        effective_until=None,
    )
    credit_entry(record, title="未按规定保管会计档案", is_blacklist=True)
    credit_entry(record, title="已期满的处罚", effective_until=today - timedelta(days=2))
    return record


def fill_captcha(page: Page):
    field(page, "图片验证码").fill("PASSED")


def test_an_employer_uses_the_public_lookup(page: Page, shot, reference_data):  # noqa: F811
    record = approved_record(reference_data)
    page.goto("/sign-in/")
    page.get_by_role("contentinfo").get_by_role("link", name="人员信息查询").click()
    expect(page).to_have_url(re.compile(r"/lookup/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("人员信息查询")
    shot(page, "form")

    page.get_by_role("button", name="查询").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("请输入姓名")
    expect(summary).to_contain_text("请输入证件号码")
    expect(page.locator("#id_full_name_error")).to_have_text("请输入姓名")
    shot(page, "empty-form-errors")

    wrong_check_digit = DOCUMENT_NUMBER[:17] + ("0" if DOCUMENT_NUMBER[17] != "0" else "1")
    field(page, "姓名").fill(FULL_NAME)
    field(page, "证件号码").fill(wrong_check_digit)
    fill_captcha(page)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#id_document_number_error")).to_contain_text("校验")
    expect(field(page, "姓名")).to_have_value(FULL_NAME)
    expect(field(page, "证件号码")).to_have_value(wrong_check_digit)
    shot(page, "wrong-check-digit")

    field(page, "证件号码").fill(DOCUMENT_NUMBER.lower())
    fill_captcha(page)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("查询结果")
    main = page.get_by_role("main")
    expect(main).to_contain_text("已完成信息采集")
    expect(main).to_contain_text("初级")
    expect(main).to_contain_text(record.department.name)
    expect(main).to_contain_text(mask_document_number(DOCUMENT_NUMBER))
    expect(main).not_to_contain_text(DOCUMENT_NUMBER)
    expect(main.locator(".panel")).to_have_count(2)
    expect(main).to_contain_text("全省会计行业先进个人")
    expect(main).to_contain_text("列入严重失信名单")
    expect(main).not_to_contain_text("已期满的处罚")
    expect(main).to_contain_text("不是证明文件")
    expect(main.locator("time")).to_have_count(1)
    shot(page, "found")

    page.get_by_role("link", name="查询其他人员").click()
    field(page, "姓名").fill("欧阳虚构")
    field(page, "证件号码").fill(DOCUMENT_NUMBER)
    fill_captcha(page)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("查询结果")
    expect(main).to_contain_text("未查询到与所填姓名、证件号码一致的人员档案")
    expect(main).not_to_contain_text("已完成信息采集")
    expect(main).not_to_contain_text(record.department.name)
    shot(page, "not-found")
