"""A signed form must match what is submitted (issue 8, defect 11), in a real browser at a phone and a
desktop size; axe-core audits every step (see conftest).

The journey as a person meets it:
- a complete draft whose 个人基本信息表 was generated, signed and uploaded; the person signs in and
  changes 详细地址 on 个人信息;
- the task list shows 需修改 on 个人基本信息表 and says the form must be downloaded, signed and uploaded
  again; the 核对信息 page says so at the top and beside the form among the attachments (marked 已过期),
  and submitting is refused with that message, linked to that place;
- the person downloads the form again (a PDF arrives) and uploads the new signed photo; beside the old
  page it is not enough, and the page marks the old one 已过期; once it is deleted the submission goes
  through: pending, with a revision of the new address and only the new photo.
"""

import re

from playwright.sync_api import Page, expect

from kuaiji.accounts.tests.factories import PASSWORD, ApplicantFactory
from kuaiji.accounts.tests.helpers import jpeg_bytes
from kuaiji.collection import form_status
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Attachment, Revision, Submission
from kuaiji.collection.tests.factories import SubmissionFactory

from .test_account_journeys import sign_in
from .test_collection_journeys import (
    reference_data,  # noqa: F401  (fixture)
    upload,
)

DOCUMENT_NUMBER = "630104199003141781"  # the collection helpers' person: 西宁市城西区
FULL_NAME = "林晓芸"
NEW_ADDRESS = "虚构路 28 号 3 单元"


def test_a_changed_answer_asks_for_the_form_again(page: Page, shot, reference_data, tmp_path):  # noqa: F811
    person = ApplicantFactory(document_number=DOCUMENT_NUMBER, full_name=FULL_NAME)
    submission = SubmissionFactory.create(complete=True, applicant=person)  # with a work unit
    [old_form] = Attachment.objects.filter(submission=submission, slot=form_status.SIGNED_FORM_SLOT)
    message = form_status.out_of_date_message(submission)
    assert "签字盖章" in message  # a work unit: the unit's stamp is asked for too

    page.goto("/sign-in/")
    sign_in(page, DOCUMENT_NUMBER, PASSWORD)
    page.goto("/collection/tasks/")
    tasks = page.locator(".task-list")
    form_task = tasks.locator(".task", has_text="个人基本信息表")
    expect(form_task.locator(".task-state")).to_have_text("已完成")
    expect(page.locator("#signed-form-out-of-date")).to_have_count(0)
    shot(page, "tasks-complete")

    # The person changes the address on 个人信息, through the page.
    tasks.get_by_role("link", name="个人信息").click()
    address = page.get_by_label("详细地址")
    expect(address).to_have_value("虚构路 1 号")
    address.fill(NEW_ADDRESS)
    shot(page, "personal-changed")
    page.get_by_role("button", name="保存并继续").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("工作单位与会计管理部门")

    # The task list: 需修改 on 个人基本信息表, and what to do.
    page.goto("/collection/tasks/")
    expect(form_task.locator(".task-state")).to_have_text("需修改")
    expect(tasks.locator(".task-state", has_text="需修改")).to_have_count(1)
    notice = page.locator("#signed-form-out-of-date")
    expect(notice).to_contain_text(message)
    shot(page, "tasks-form-out-of-date")

    # The check page says so, at the top and beside the form among the attachments.
    tasks.get_by_role("link", name="核对信息并提交").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("核对信息并提交")
    expect(page.locator("main")).to_contain_text(NEW_ADDRESS)
    expect(page.locator("#signed-form-out-of-date")).to_contain_text(message)
    attachments = page.locator(".check-section", has=page.get_by_role("heading", name="附件"))
    expect(attachments.locator("#signed-form-file")).to_contain_text(message)
    stale = attachments.locator("figure", has_text="个人基本信息表")
    expect(stale.locator("figcaption")).to_contain_text("已过期")
    expect(attachments.locator("figure", has_text="已过期")).to_have_count(1)
    shot(page, "check-form-out-of-date")

    # Submitting is refused with the message, which leads to that place; the warning is not said twice.
    page.get_by_label(re.compile("我已阅读并同意《关于本人信息真实准确承诺函》")).check()
    page.get_by_role("button", name="提交审核").click()
    expect(page).to_have_url(re.compile(r"/collection/check/$"))
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("还不能提交")
    expect(refusal.get_by_role("link", name=message)).to_have_attribute("href", "#signed-form-file")
    expect(page.locator("#signed-form-out-of-date")).to_have_count(0)
    expect(page.get_by_text(message)).to_have_count(2)  # the refusal, and beside the form
    shot(page, "check-refused")
    refusal.get_by_role("link", name=message).click()
    place = attachments.locator("#signed-form-file")  # the page's script scrolls and focuses it
    expect(place).to_be_focused()
    expect(place).to_be_in_viewport()
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT and not Revision.objects.filter(submission=submission).exists()

    # From there to the form: download it again; a new signed page beside the old one is not enough,
    # and the page says which one to delete.
    attachments.get_by_role("link", name="前往个人基本信息表").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("个人基本信息表")
    notice = page.locator("#signed-form-out-of-date")
    expect(notice).to_contain_text(message)
    expect(notice).to_contain_text("请删除下方标明“已过期”的照片")
    expect(notice.get_by_role("link")).to_have_count(0)  # no link to the page it is on
    # The step to fix is the current one: its number in white on red, not red on red.
    number = page.locator(".progress-step.is-current.state-needs_changes .step-number")
    expect(number).to_have_text("7")
    expect(number).to_have_css("color", "rgb(255, 255, 255)")
    slot = page.locator("#slot-basic_info_form")
    expect(slot.locator(".thumbnails .error-message")).to_have_text("已过期")
    shot(page, "form-page-out-of-date")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载个人基本信息表（PDF）").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    signed = tmp_path / "签字后的信息表.jpg"
    signed.write_bytes(jpeg_bytes(width=800, height=1130, color=(236, 232, 220)))
    upload(page, "basic_info_form", str(signed))
    expect(slot.locator(".thumbnails li")).to_have_count(2)
    expect(slot.locator(".thumbnails li").first.locator(".error-message")).to_have_text("已过期")
    expect(slot.locator(".thumbnails li").last.locator(".error-message")).to_have_count(0)
    expect(page.locator("#signed-form-out-of-date")).to_contain_text(message)
    shot(page, "form-page-new-beside-old")
    slot.get_by_role("button", name="删除第 1 张").click()
    expect(slot.locator(".thumbnails img")).to_have_count(1)
    expect(slot.locator(".thumbnails .error-message")).to_have_count(0)
    expect(page.locator("#signed-form-out-of-date")).to_have_count(0)
    shot(page, "form-page-re-signed")

    page.goto("/collection/tasks/")
    expect(form_task.locator(".task-state")).to_have_text("已完成")
    expect(page.locator("#signed-form-out-of-date")).to_have_count(0)
    tasks.get_by_role("link", name="核对信息并提交").click()
    expect(page.locator("#signed-form-out-of-date")).to_have_count(0)
    shot(page, "check-ready")
    page.get_by_label(re.compile("我已阅读并同意《关于本人信息真实准确承诺函》")).check()
    page.get_by_role("button", name="提交审核").click()
    expect(page).to_have_url(re.compile(r"/collection/submitted/$"))
    shot(page, "submitted")

    # What was submitted: pending, one revision of the new address and the new signed photo.
    submission = Submission.objects.get(pk=submission.pk)
    assert submission.status == Status.PENDING
    [revision] = Revision.objects.filter(submission=submission)
    assert revision.answers["personal"]["residence_address"] == NEW_ADDRESS
    [new_form] = revision.attachments.filter(slot=form_status.SIGNED_FORM_SLOT)
    assert new_form.pk != old_form.pk and not Attachment.objects.filter(pk=old_form.pk).exists()
    assert new_form.answers_fingerprint == form_status.answers_fingerprint(submission)
