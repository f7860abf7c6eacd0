"""通知公告 in a real browser, at a phone and a desktop size, with a screenshot (and the axe audit) of
every step.

1. A 部门管理员 publishes a notice with a PDF and a refused file (an .exe renamed .pdf): the Chinese
   message is next to the file field and the title and body are kept; publishing again with the PDF alone
   works. Signed out, a visitor opens the public page, sees the attachment with its name and size, and
   downloads it under its Chinese name.
2. A provincial 部门管理员 edits the wizard's 阅读须知: edits the body, previews, saves a new version and
   finds it in the history; an applicant starting the wizard then reads the new text.

The live server's database is flushed between tests, so each test loads the reference data the data
migrations would have put there (divisions, demo departments, the first notice).
"""

import re
from pathlib import Path

from django.contrib.auth.models import Group

import pytest
from playwright.sync_api import Page, expect

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.tests.factories import PASSWORD, ApplicantFactory, StaffFactory
from kuaiji.announcements.models import Announcement
from kuaiji.announcements.tests.factories import EXE_BYTES, PDF_BYTES
from kuaiji.collection.models import Notice
from kuaiji.regions.demo import ensure_demo_departments
from kuaiji.regions.loader import load_divisions

from .test_account_journeys import field, sign_in, sign_out
from .test_review_journeys import staff_sign_in

TITLE = "关于开展2027年度会计人员信息采集工作的通知"
BODY = "各会计人员：\n请于2027年6月30日前登录本平台完成信息采集。\n具体要求见附件。"
PDF_NAME = "2027年会计人员信息采集工作通知（正式稿）.pdf"
DISGUISED_NAME = "报名软件安装包.pdf"
DOCUMENT_NUMBER = "630104199003141781"  # the collection journeys' applicant (西宁市城西区)
NEW_PARAGRAPH = "三、2027年起，专业技术资格证书须上传原件照片，复印件不予受理。"


@pytest.fixture
def departments():
    load_divisions()  # the live server's flush took the data migrations' rows
    departments = ensure_demo_departments()
    if not Notice.objects.exists():
        Notice.objects.create(
            version=1,
            title="信息登记须知",
            body="一、请如实填写个人信息、工作单位、学历和专业技术资格。\n二、每一步都会自动保存，可以随时离开，下次登录后继续。",
        )
    return departments


def department_admin(department, full_name: str):
    staff = StaffFactory.create(department=department, full_name=full_name)
    staff.groups.add(Group.objects.get_or_create(name=StaffRole.DEPARTMENT_ADMIN)[0])
    return staff


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    pdf = tmp_path / PDF_NAME
    pdf.write_bytes(PDF_BYTES)
    disguised = tmp_path / DISGUISED_NAME
    disguised.write_bytes(EXE_BYTES)
    return {"pdf": pdf, "disguised": disguised}


def assert_big_enough(locator, *, height: float) -> None:
    """A field at least ``height`` CSS pixels tall (so it can be read and tapped on a phone)."""
    box = locator.bounding_box()
    assert box is not None and box["height"] >= height, (locator, box)


def open_manage_page(page: Page) -> None:
    page.get_by_role("navigation", name="工作人员").get_by_role("link", name="通知公告").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("通知公告管理")


def test_a_notice_is_published_with_an_attachment_a_visitor_downloads(page: Page, shot, departments, files):
    admin = department_admin(departments["630102"], "韩公告")
    staff_sign_in(page, admin)
    open_manage_page(page)
    page.get_by_role("link", name="发布通知").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("发布通知")
    form = page.get_by_role("main")
    field(page, "标题").fill(TITLE)
    field(page, "正文").fill(BODY)
    for label in ("发布时间", "截止时间"):
        assert_big_enough(field(page, label), height=44)
    attachments = page.get_by_label("添加附件")
    expect(attachments).to_have_attribute("accept", re.compile(r"\.pdf"))
    attachments.set_input_files([str(files["pdf"]), str(files["disguised"])])
    shot(page, "new-notice-filled")

    form.get_by_role("button", name="保存").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    refusal = f"“{DISGUISED_NAME}”的内容不是真正的 PDF 文件（与扩展名 .pdf 不符）"
    expect(summary).to_contain_text(refusal)
    expect(page.locator("#id_attachments-group .error-message")).to_contain_text(refusal)
    expect(page.locator("#id_attachments")).to_have_attribute(
        "aria-describedby", re.compile("id_attachments_error")
    )
    # What was typed stays; the files must be chosen again (the hint says so).
    expect(field(page, "标题")).to_have_value(TITLE)
    expect(field(page, "正文")).to_have_value(BODY)
    expect(page.locator("#id_attachments-group")).to_contain_text("请重新选择附件")
    assert not Announcement.objects.exists()
    shot(page, "refused-file")

    # The summary's link takes the keyboard to the file field.
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_attachments")).to_be_focused()

    page.get_by_label("添加附件").set_input_files(str(files["pdf"]))
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("通知公告管理")
    expect(page.locator(".notice-success")).to_contain_text("通知已保存")
    row = page.locator("tr", has_text=TITLE)
    expect(row).to_contain_text("显示中")
    shot(page, "manage-after-publish")
    notice = Announcement.objects.get()
    assert list(notice.attachments.values_list("original_name", "size")) == [(PDF_NAME, len(PDF_BYTES))]

    # The staff form lists the stored attachment, with a way to remove it.
    row.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("修改通知")
    expect(page.locator(".announcement-attachments")).to_contain_text(PDF_NAME)
    remove = page.get_by_label(re.compile(f"删除“{re.escape(PDF_NAME)}”"))
    expect(remove).not_to_be_checked()
    assert_big_enough(remove, height=24)
    shot(page, "edit-with-attachment")

    # A visitor, signed out, reads it from the public list.
    sign_out(page)
    page.get_by_role("contentinfo").get_by_role("link", name="通知公告").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("通知公告")
    shot(page, "public-list")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".announcement-body")).to_contain_text("具体要求见附件。")
    listed = page.get_by_role("region", name="附件").get_by_role("listitem")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(PDF_NAME)
    expect(listed).to_contain_text(f"{len(PDF_BYTES)}")  # the size, in bytes for so small a file
    expect(listed).to_contain_text("字节")
    shot(page, "public-notice")

    with page.expect_download() as download:
        listed.get_by_role("link", name=PDF_NAME).click()
    assert download.value.suggested_filename == PDF_NAME
    assert Path(download.value.path()).read_bytes() == PDF_BYTES


def test_the_province_edits_the_reading_notice_and_a_new_applicant_reads_it(page: Page, shot, departments):
    admin = department_admin(departments["630000"], "青海省会计管理员")
    first = Notice.objects.get()
    staff_sign_in(page, admin)
    open_manage_page(page)
    page.get_by_role("link", name="编辑阅读须知（信息登记）").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("阅读须知")
    expect(page.get_by_role("heading", name=f"当前版本：第 {first.version} 版")).to_be_visible()
    shot(page, "reading-notice")

    body = field(page, "须知内容")
    body.fill(f"{first.body}\n{NEW_PARAGRAPH}")
    page.get_by_role("button", name="预览").click()
    preview = page.get_by_role("region", name="预览（尚未保存）")
    expect(preview).to_contain_text(NEW_PARAGRAPH)
    expect(field(page, "须知内容")).to_have_value(f"{first.body}\n{NEW_PARAGRAPH}")
    assert Notice.objects.count() == 1  # a preview saves nothing
    shot(page, "preview")

    page.get_by_role("button", name="保存为新版本").click()
    expect(page.locator(".notice-success")).to_contain_text(f"阅读须知已保存为第 {first.version + 1} 版")
    current = page.get_by_role("region", name=f"当前版本：第 {first.version + 1} 版")
    expect(current).to_contain_text(NEW_PARAGRAPH)
    history = page.get_by_role("region", name="历史版本").locator("tbody tr")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text(f"第 {first.version + 1} 版")
    expect(history.first).to_contain_text(admin.full_name)
    expect(history.nth(1)).to_contain_text(f"第 {first.version} 版")
    expect(history.nth(1)).to_contain_text("系统")
    shot(page, "saved-version")

    # An applicant who starts the wizard now reads the new version.
    sign_out(page)
    ApplicantFactory(document_number=DOCUMENT_NUMBER, full_name="林晓芸")
    page.goto("/sign-in/")
    sign_in(page, DOCUMENT_NUMBER, PASSWORD)
    page.get_by_role("button", name="开始信息登记").click()
    page.locator(".task-list").get_by_role("link", name="阅读须知").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text(NEW_PARAGRAPH)
    expect(main).to_contain_text("二、每一步都会自动保存")
    expect(main).to_contain_text(f"须知版本：第 {first.version + 1} 版")
    shot(page, "wizard-notice")
