"""The finance departments' side in a real browser: one person's records from first submission to a
transfer, each decision taken by a reviewer who signed in with a password and a TOTP code.

1. The applicant (pre-filled through ``services``) submits on the check page; the provincial reviewer
   finds it in the queue (due badge, masked number), reads it beside its images (zoom, rotate), returns it
   with a reason picked from the list and edited, flagging 学历信息.
2. The applicant sees the reason at home and 需修改 on the task list, fixes education and resubmits; the
   reviewer approves and the archive shows the person (masked) with version 1.
3. A change (专业技术资格 无 → 初级, certificate uploaded) goes to the person's own department and is
   decided by the 西宁市 reviewer above it, who sees old and new; the archive then has two versions to
   compare.
4. A transfer to 格尔木 is decided by 格尔木's reviewer; the releasing 城东区 reviewer reads it without a
   decision form.

Reviewers' pages are shot at 1280×800, the applicant's at 375×812 and 1280×800. The live server's
database is flushed between tests, so the reference data is loaded again here.
"""

import io
import re
from datetime import timedelta
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.tests.factories import PASSWORD, ApplicantFactory, StaffFactory, current_token
from kuaiji.archive.models import ArchiveRecord
from kuaiji.calendar.seeding import seed_special_days
from kuaiji.collection.constants import Status, SubmissionKind
from kuaiji.collection.models import Notice, Submission
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.core.validators import mask_document_number
from kuaiji.regions.demo import ensure_demo_departments
from kuaiji.regions.loader import load_divisions
from kuaiji.review.models import ReasonTemplate

from .conftest import SCREENSHOTS, VIEWPORTS, audit_accessibility
from .test_account_journeys import field, sign_in
from .test_collection_journeys import pick_division, upload

DOCUMENT_NUMBER = "630104199003141781"  # the collection helpers' person: 西宁市城西区, born 1990-03-14
FULL_NAME = "林晓芸"
MASKED = mask_document_number(DOCUMENT_NUMBER)
REASON_TEMPLATE = "学历证书编号与证书照片不一致，请核对后重新填写"
REASON_EDIT = "（照片上的编号末四位为 0124）"
FIXED_CERTIFICATE = "106001201205000124"
TEST_NAME = "review_journey"
OTHER_NAME = "赵文博"


def document_image(accent: tuple[int, int, int], *, size=(1200, 850)) -> bytes:
    """A scan-like JPEG: a coloured header and lines of 'text', so a rotation shows in the screenshot."""
    image = Image.new("RGB", size, (246, 243, 236))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((0, 0, width, height // 7), fill=accent)
    for row in range(8):
        top = height // 4 + row * height // 12
        draw.rectangle(
            (width // 12, top, width // 12 + (width * (5 + row % 4)) // 10, top + 18), fill=(70, 70, 80)
        )
    draw.rectangle((width - 300, height - 260, width - 80, height - 60), outline=(200, 40, 40), width=8)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def image_file(name: str, accent=(40, 90, 160)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, document_image(accent), content_type="image/jpeg")


@pytest.fixture
def reference_data():
    """What the data migrations provide, back after the live server's flush."""
    load_divisions()
    departments = ensure_demo_departments()
    seed_special_days()
    if not Notice.objects.exists():
        Notice.objects.create(
            version=1, title="信息登记须知", body="请如实填写个人信息、工作单位、学历和专业技术资格。"
        )
    ReasonTemplate.objects.create(outcome="return", text=REASON_TEMPLATE, position=1)
    ReasonTemplate.objects.create(outcome="return", text="一寸照片不符合要求，请重新上传", position=2)
    ReasonTemplate.objects.create(outcome="refuse", text="非会计人员，不属于信息登记范围", position=1)
    return departments


ACCENTS = {"id_front": (40, 90, 160), "id_back": (60, 130, 110), "education_certificate": (150, 40, 40)}


def accented_upload(slot):
    """Each slot's image in its own colour, so the screenshots show which is which."""
    return image_file(f"{slot}.jpg", ACCENTS.get(slot, (110, 110, 110)))


@pytest.fixture
def applicant(reference_data):
    person = ApplicantFactory(document_number=DOCUMENT_NUMBER, full_name=FULL_NAME)
    # A first collection, complete but not submitted: employed in 城东区, 无 qualification.
    SubmissionFactory.create(complete=True, applicant=person, upload_for=accented_upload)
    return person


@pytest.fixture
def overdue(reference_data):
    """Someone else's first collection, submitted long ago and now past its due date."""
    person = ApplicantFactory(full_name=OTHER_NAME)
    submission = SubmissionFactory.create(submitted=True, applicant=person, upload_for=accented_upload)
    long_ago = timezone.now() - timedelta(days=12)
    Submission.objects.filter(pk=submission.pk).update(
        submitted_at=long_ago, due_on=timezone.localdate() - timedelta(days=2)
    )
    return person


@pytest.fixture
def staff_for(reference_data):
    """``staff_for(code)``: a reviewer (审核员) of the department at ``code``."""
    group, _ = Group.objects.get_or_create(name=StaffRole.REVIEWER)

    def make(code):
        staff = StaffFactory(department=reference_data[code])
        staff.groups.add(group)
        return staff

    return make


@pytest.fixture
def open_page(browser, live_server, one_request_at_a_time):
    """``open_page(viewport)``: a page in a fresh context, with the same checks as conftest's ``page``:
    script errors, console errors and assets that fail to load fail the test."""
    contexts = []
    problems: list[str] = []

    def on_console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text}")

    def on_response(response):
        request = response.request
        if (
            response.status >= 400
            and request.resource_type != "document"
            and not request.url.endswith("/favicon.ico")
        ):
            problems.append(f"{response.status} for {request.resource_type} {request.url}")

    def make(viewport: str) -> Page:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", **VIEWPORTS[viewport])
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("console", on_console)
        page.on("response", on_response)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems, problems


@pytest.fixture
def shot():
    """``shot(page, name)``, and ``shot(page, name, both=True)`` for the applicant's pages: a full-page
    screenshot at the page's size (and then at 1280×800 too), checking the page is no wider than the
    screen (``full_page=False``: what the screen shows). Files are ``review_journey-<viewport>-<nn>-<name>.png``, numbered in step order."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"{TEST_NAME}-*.png"):
        old.unlink()
    steps = iter(range(1, 100))

    def one(page: Page, name: str, viewport: str, full_page: bool) -> Path:
        path = SCREENSHOTS / f"{TEST_NAME}-{viewport}-{next(steps):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        assert page.viewport_size is not None
        screen_width = page.viewport_size["width"]
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert max(scroll_width, inner_width) <= screen_width, (
            f"{page.url} is wider than the screen at step {name}: {scroll_width}px > {screen_width}px"
        )
        audit_accessibility(page)
        return path

    def take(page: Page, name: str, *, both: bool = False, full_page: bool = True) -> None:
        assert page.viewport_size is not None
        phone = page.viewport_size["width"] < 600
        one(page, name, "phone" if phone else "desktop", full_page)
        if both and phone:
            page.set_viewport_size(VIEWPORTS["desktop"]["viewport"])
            one(page, name, "desktop", full_page)
            page.set_viewport_size(VIEWPORTS["phone"]["viewport"])

    return take


def staff_sign_in(page: Page, staff, shot=None):
    """Password, then the code the authenticator shows; staff land on their home page."""
    page.goto("/staff/sign-in/")
    field(page, "用户名").fill(staff.username)
    field(page, "密码").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("输入动态验证码")
    if shot:
        shot(page, "staff-verify")
    field(page, "动态验证码").fill(current_token(staff))
    page.get_by_role("main").get_by_role("button", name="登录").click()
    expect(page.locator(".lead")).to_contain_text("工作人员身份")


def re_sign_in_browser(page: Page) -> None:
    """The answers changed after the form was signed (defect 11): download it again, replace the photo."""
    page.goto("/collection/basic-info-form/")
    with page.expect_download():
        page.get_by_role("link", name="下载个人基本信息表（PDF）").click()
    slot = page.locator("#slot-basic_info_form")
    while slot.get_by_role("button", name="删除").count():
        slot.get_by_role("button", name="删除").first.click()
        page.wait_for_load_state()
    signed = SCREENSHOTS.parent / "signed-form.jpg"
    signed.write_bytes(document_image((110, 110, 110)))
    upload(page, "basic_info_form", str(signed))
    page.goto("/collection/check/")
    expect(page.locator("#signed-form-out-of-date")).to_have_count(0)


def submit_on_check_page(page: Page, button: str = "提交审核"):
    if page.locator("#signed-form-out-of-date").count():
        re_sign_in_browser(page)
    page.get_by_label(re.compile("我已阅读并同意《关于本人信息真实准确承诺函》")).check()
    page.get_by_role("button", name=button).click()
    expect(page).to_have_url(re.compile(r"/collection/submitted/$"))


def open_from_queue(page: Page, shot, name: str):
    """The queue lists the person (number masked); open the record."""
    page.goto("/review/")
    row = page.locator("table.queue tbody tr", has_text=FULL_NAME)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(MASKED)
    expect(page.locator("table.queue")).not_to_contain_text(DOCUMENT_NUMBER)
    shot(page, name)
    row.get_by_role("link", name=FULL_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(FULL_NAME)
    return row


def decide(page: Page, outcome: str):
    bar = page.locator("#decision")
    bar.get_by_label(outcome).check()
    bar.get_by_role("button", name="提交审核结论").click()


def test_review_journey(open_page, shot, applicant, overdue, staff_for, reference_data):
    person = open_page("phone")
    person.goto("/sign-in/")
    sign_in(person, DOCUMENT_NUMBER, PASSWORD)
    person.get_by_role("link", name="继续填写").click()
    person.get_by_role("link", name="核对信息并提交").click()
    submit_on_check_page(person)
    submission = Submission.objects.get(applicant=applicant)
    assert submission.status == Status.PENDING and submission.department == reference_data["630000"]

    # 1. The provincial reviewer: the queue, then the record beside its images.
    province = staff_for("630000")
    reviewer = open_page("desktop")
    staff_sign_in(reviewer, province, shot)
    shot(reviewer, "staff-home")
    reviewer.get_by_role("main").get_by_role("link", name="审核队列").click()
    # Ordered by due date: the overdue record first, badged; the new one due in five working days.
    rows = reviewer.locator("table.queue tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(OTHER_NAME)
    expect(rows.first.locator(".badge-overdue")).to_have_text("已超期")
    row = open_from_queue(reviewer, shot, "queue")
    expect(row.locator(".badge")).to_have_count(0)
    expect(reviewer.locator("main .hint").first).to_contain_text(DOCUMENT_NUMBER)  # whole, here
    expect(reviewer.locator(".review-data")).to_contain_text("虚构财经大学")
    data_box = reviewer.locator(".review-data").bounding_box()
    images_box = reviewer.locator(".review-images").bounding_box()
    assert images_box["x"] >= data_box["x"] + data_box["width"] - 1, "data and images are side by side"
    viewers = reviewer.locator("[data-image-viewer]")
    expect(viewers).to_have_count(5)  # 一寸照片, 身份证正反面, 学历证书, 个人基本信息表
    shot(reviewer, "review-page")
    first = viewers.filter(has_text="学历").first
    image = first.locator("img")
    image.scroll_into_view_if_needed()
    assert image.evaluate("img => img.style.transform") == ""
    first.get_by_role("button", name="放大").click()
    expect(image).to_have_attribute("style", re.compile(r"scale\(1\.25\) rotate\(0deg\)"))
    first.get_by_role("button", name="旋转").click()
    expect(image).to_have_attribute("style", re.compile(r"scale\(1\.25\) rotate\(90deg\)"))
    shot(reviewer, "review-zoomed")

    # The decision bar stays in view while the data scrolls; the reason and the sections to fix appear
    # for 退回修改 only.
    bar = reviewer.locator("#decision")
    reviewer.mouse.wheel(0, 600)
    expect(bar).to_be_in_viewport()
    assert bar.bounding_box()["height"] < 120, "approving needs only the outcome and the button"
    expect(reviewer.locator("#id_reason")).to_be_hidden()
    shot(reviewer, "decision-bar-approve", full_page=False)
    bar.get_by_label("退回修改").check()
    reviewer.locator("#id_reason_template").select_option(REASON_TEMPLATE)
    expect(reviewer.locator("#id_reason")).to_have_value(REASON_TEMPLATE)
    expect(reviewer.locator("#id_reason")).to_be_focused()
    reviewer.keyboard.press("End")
    reviewer.keyboard.type(REASON_EDIT)
    bar.get_by_label("学历信息").check()
    assert bar.bounding_box()["height"] < 800 / 3, "the bar leaves most of the screen to the record"
    expect(bar).to_be_in_viewport()
    shot(reviewer, "decision-bar-return", full_page=False)
    shot(reviewer, "return-filled")
    bar.get_by_role("button", name="提交审核结论").click()
    # The next record waiting opens.
    expect(reviewer.locator(".notice-success")).to_contain_text(f"已退回修改：{FULL_NAME}")
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text(OTHER_NAME)
    shot(reviewer, "next-record-after-return")
    submission.refresh_from_db()
    assert submission.status == Status.RETURNED
    assert submission.decision_reason == REASON_TEMPLATE + REASON_EDIT

    # 2. The applicant: the reason at home, 需修改 on the task list; fix education and resubmit.
    person.goto("/")
    panel = person.locator(".panel", has_text="审核意见")
    expect(panel.locator(".status")).to_have_text("已退回")
    expect(panel.locator(".reason")).to_have_text(REASON_TEMPLATE + REASON_EDIT)
    shot(person, "home-returned", both=True)
    person.get_by_role("link", name="按审核意见修改").click()
    expect(person.locator(".notice-warning")).to_contain_text(REASON_TEMPLATE)
    task = person.locator(".task", has_text="学历信息")
    expect(task.locator(".task-state")).to_have_text("需修改")
    expect(person.locator(".task-state", has_text="需修改")).to_have_count(1)
    shot(person, "tasks-returned", both=True)
    task.get_by_role("link").click()
    person.locator("#id_certificate_number").fill(FIXED_CERTIFICATE)
    shot(person, "education-fixed")
    person.get_by_role("button", name="保存并继续").click()
    expect(person.locator(".progress-count")).to_have_text("第 5 步，共 8 步")
    person.goto("/collection/tasks/")
    shot(person, "tasks-fixed")
    person.goto("/collection/check/")
    expect(person.locator("main")).to_contain_text(FIXED_CERTIFICATE)
    submit_on_check_page(person, "重新提交")

    reviewer.goto("/review/")
    row = open_from_queue(reviewer, shot, "queue-resubmitted")
    expect(reviewer.locator(".hint").first).to_contain_text("第 2 次提交")
    expect(reviewer.locator(".review-data")).to_contain_text(FIXED_CERTIFICATE)
    decide(reviewer, "审核通过")
    expect(reviewer.locator(".notice-success")).to_contain_text(f"已审核通过：{FULL_NAME}")
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text(OTHER_NAME)

    # The archive: the person in the search (masked), version 1 on the record.
    reviewer.goto("/archive/")
    reviewer.locator("#f-name").fill(FULL_NAME)
    reviewer.get_by_role("button", name="查询", exact=True).click()
    result = reviewer.locator("table.archive tbody tr", has_text=FULL_NAME)
    expect(result).to_contain_text(MASKED)
    expect(result).to_contain_text("第 1 版")
    expect(reviewer.locator("table.archive")).not_to_contain_text(DOCUMENT_NUMBER)
    shot(reviewer, "archive-search")
    result.get_by_role("link", name=FULL_NAME).click()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("第 1 版（当前版本）")
    expect(reviewer.locator("#versions tbody tr")).to_have_count(1)
    shot(reviewer, "archive-record-v1")

    # 3. A change: 专业技术资格 无 → 初级, with the certificate now required.
    person.goto("/")
    expect(person.locator(".panel .status").first).to_have_text("已通过")
    shot(person, "home-approved", both=True)
    person.get_by_role("button", name="申请信息变更").click()
    expect(person).to_have_url(re.compile(r"/collection/tasks/$"))
    person.locator(".task-list").get_by_role("link", name="专业技术资格").click()
    person.locator("input[name=qualification_level][value=junior]").check()
    person.locator("#id_qualification_type").select_option("accounting")
    person.locator("#id_qualification_method").select_option("exam")
    person.locator("#id_qualification_obtained_on").fill("2014-05-20")
    person.locator("#id_qualification_certificate_number").fill("Z630100001")
    shot(person, "change-qualification")
    person.get_by_role("button", name="保存并继续").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("附件上传")
    certificate = Path(SCREENSHOTS.parent / "qualification-certificate.jpg")
    certificate.write_bytes(document_image((150, 110, 30)))
    upload(person, "qualification_certificate", certificate)
    certificate.unlink()
    shot(person, "change-attachments")
    person.goto("/collection/check/")
    expect(person.locator("main")).to_contain_text("初级")
    submit_on_check_page(person)
    change = Submission.objects.get(applicant=applicant, kind=SubmissionKind.CHANGE)
    assert change.status == Status.PENDING and change.department == reference_data["630102"]

    # The city reviewer (西宁市, above 城东区): old and new side by side.
    city_reviewer = open_page("desktop")
    staff_sign_in(city_reviewer, staff_for("630100"))
    open_from_queue(city_reviewer, shot, "city-queue")
    expect(city_reviewer.locator("h1")).to_contain_text("信息变更")
    changed = city_reviewer.locator(".review-section.has-changes", has_text="专业技术资格")
    level = changed.locator(".is-changed", has_text="初级").first
    expect(level.locator(".old-value")).to_have_text("原：无")
    expect(city_reviewer.locator(".review-section.has-changes")).to_have_count(1)
    shot(city_reviewer, "change-review")
    decide(city_reviewer, "审核通过")
    # Nothing else waits in 西宁市's scope: back to the queue, which says so.
    expect(city_reviewer).to_have_url(re.compile(r"/review/$"))
    expect(city_reviewer.locator(".notice-success")).to_contain_text("已审核通过")
    expect(city_reviewer.locator("table.queue")).to_contain_text("没有符合条件的记录")
    shot(city_reviewer, "city-queue-empty")

    # Two versions, and compare shows what differs.
    record = ArchiveRecord.objects.get(person=applicant)
    city_reviewer.goto(f"/archive/{record.uuid}/")
    expect(city_reviewer.locator("#versions tbody tr")).to_have_count(2)
    shot(city_reviewer, "archive-record-v2")
    city_reviewer.get_by_role("button", name="比较").click()
    expect(city_reviewer.get_by_role("heading", level=1)).to_contain_text("第 1 版与第 2 版比较")
    changed_row = city_reviewer.locator("table.compare tr.is-changed", has_text="专业技术资格").first
    expect(changed_row.locator(".old-value")).to_have_text("无")
    expect(changed_row.locator("strong")).to_have_text("初级")
    shot(city_reviewer, "archive-compare")

    # 4. A transfer to 格尔木, decided there; 城东区 (releasing) reads it without a decision form.
    person.goto("/")
    person.get_by_role("button", name="申请调转（更换会计管理部门）").click()
    expect(person).to_have_url(re.compile(r"/collection/section/employer/$"))
    person.locator("#id_employer_name").fill("格尔木虚构盐化有限公司")
    pick_division(person, "employer_division", ["630000", "632800", "632801"])
    golmud = reference_data["632801"]
    expect(person.locator("#id_management_department")).to_have_value(str(golmud.pk))
    person.locator("#id_employer_address").fill("虚构盐湖路 6 号")
    shot(person, "transfer-employer", both=True)
    person.get_by_role("button", name="保存并继续").click()
    person.goto("/collection/check/")
    submit_on_check_page(person)
    expect(person.locator("main")).to_contain_text(golmud.name)
    shot(person, "transfer-submitted", both=True)
    transfer = Submission.objects.get(applicant=applicant, kind=SubmissionKind.TRANSFER)
    assert transfer.department == golmud and transfer.releasing_department == reference_data["630102"]

    releasing = open_page("desktop")
    staff_sign_in(releasing, staff_for("630102"))
    releasing.goto(f"/review/{transfer.uuid}/")
    expect(releasing.locator(".notice", has_text="调转：由")).to_contain_text(golmud.name)
    expect(releasing.locator("#decision")).to_have_count(0)
    expect(releasing.locator(".notice", has_text="您只能查看")).to_contain_text(golmud.name)
    shot(releasing, "transfer-releasing")

    receiving = open_page("desktop")
    staff_sign_in(receiving, staff_for("632801"))
    open_from_queue(receiving, shot, "transfer-queue")
    expect(receiving.locator(".notice", has_text="调转：由")).to_contain_text(reference_data["630102"].name)
    shot(receiving, "transfer-review")
    decide(receiving, "审核通过")
    expect(receiving.locator(".notice-success")).to_contain_text("已审核通过")
    record.refresh_from_db()
    assert record.department == golmud and record.current_version.number == 3

    person.goto("/")
    expect(person.locator(".panel .status").first).to_have_text("已通过")
    shot(person, "home-transferred", both=True)
