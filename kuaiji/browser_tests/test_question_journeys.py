"""留言咨询 in a real browser at a phone and a desktop size (issue 13); axe-core audits every step.

Requirements covered:
- an applicant finds 留言咨询 on their overview, asks a question about their submission (an empty form
  is refused with the messages beside the fields), and sees it sent to their department with a due date;
- a reviewer of that department finds it in 留言咨询 (staff menu), picks a 常用答复 (a published FAQ
  entry), edits it and answers;
- the applicant reads the answer on the thread, with the one-reply form below it; the public help page
  lists the FAQ entry without sign-in.
"""

import re

from django.contrib.auth.models import Group

import pytest
from playwright.sync_api import Page, expect

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.tests.factories import PASSWORD, StaffFactory
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.questions.models import FaqEntry, Question

from .test_account_journeys import field, sign_in
from .test_collection_journeys import reference_data  # noqa: F401  (fixture)
from .test_credit_journeys import sign_out
from .test_review_journeys import staff_sign_in

TEMPLATE = "毕业证书遗失的，可上传学信网《教育部学历证书电子注册备案表》代替。"


@pytest.fixture
def people(reference_data):  # noqa: F811
    reviewer = StaffFactory(department=reference_data["630102"], full_name="欧阳明远")
    reviewer.groups.add(Group.objects.get_or_create(name=StaffRole.REVIEWER)[0])
    FaqEntry.objects.create(
        question="毕业证书遗失怎么办？",
        answer=TEMPLATE,
        department=reference_data["630102"],
        published_by=reviewer,
    )
    submission = SubmissionFactory.create(submitted=True, department="630102")
    return submission.applicant, reviewer


def test_an_applicant_asks_a_question_and_reads_the_answer(page: Page, shot, people):
    person, reviewer = people
    page.goto("/sign-in/")
    sign_in(page, person.document_number, PASSWORD)
    page.get_by_role("link", name="留言咨询").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的留言")
    page.get_by_role("link", name="新建留言").click()
    page.get_by_role("button", name="提交留言").click()
    expect(page.locator(".error-summary")).to_contain_text("请填写标题")
    page.get_by_label(re.compile("我的信息登记")).check()
    field(page, "标题").fill("学历证书丢失怎么办")
    field(page, "留言内容").fill("毕业证书遗失，能否用学信网截图代替？")
    shot(page, "ask")
    page.get_by_role("button", name="提交留言").click()
    expect(page.locator(".notice-success")).to_contain_text("5 个工作日内答复")
    expect(page.get_by_text("待答复")).to_be_visible()
    shot(page, "asked")
    sign_out(page)

    staff_sign_in(page, reviewer)
    page.get_by_role("navigation", name="工作人员").get_by_role("link", name="留言咨询").click()
    row = page.get_by_role("row", name=re.compile("学历证书丢失怎么办"))
    expect(row).to_be_visible()
    shot(page, "queue")
    row.get_by_role("link").click()
    page.get_by_label(re.compile("常用答复")).select_option(index=1)
    body = field(page, "答复内容")
    expect(body).to_have_value(TEMPLATE)
    body.fill(TEMPLATE + "备案表须在有效期内。")
    shot(page, "answer")
    page.get_by_role("button", name="提交答复").click()
    expect(page.locator(".notice-success")).to_contain_text("已答复")
    sign_out(page)

    page.goto("/sign-in/")
    sign_in(page, person.document_number, PASSWORD)
    page.goto("/account/questions/")
    expect(page.get_by_role("cell", name="已答复")).to_be_visible()
    page.get_by_role("link", name="学历证书丢失怎么办").click()
    expect(page.get_by_text("备案表须在有效期内。")).to_be_visible()
    expect(page.get_by_role("button", name="提交追问")).to_be_visible()
    shot(page, "answered")
    assert Question.objects.get().state == "answered"

    page.get_by_role("contentinfo").get_by_role("link", name="常见问题").click()
    expect(page.get_by_role("heading", name="毕业证书遗失怎么办？")).to_be_visible()
    shot(page, "help")
