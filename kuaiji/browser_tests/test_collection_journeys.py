"""The 信息登记 wizard in a real browser, at a phone and a desktop size, with a screenshot of every step.

1. With a work unit: every step in order from the home page (cascading region picker, a 3 MB photo made
   into the 1-inch photo, the suggested department, the qualification's details, attachments, the PDF
   form), submit, the confirmation and the home page, then 撤回.
2. Without a work unit: the sections that do not differ are filled through ``services``; the browser
   answers 否, takes the department suggested from the residence, and checks the PDF has no 盖章.
3. Drafts survive: errors keep what was typed, and the task list says 进行中.

The live server's database is flushed between tests, so each test loads the reference data the data
migrations would have put there (divisions, demo departments, the notice, the calendar's special days).
"""

import io
import random
import re
from datetime import date

from django.utils import timezone

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from kuaiji.accounts.tests.factories import PASSWORD, ApplicantFactory
from kuaiji.accounts.tests.helpers import jpeg_bytes
from kuaiji.calendar.seeding import seed_special_days
from kuaiji.calendar.selectors import due_on
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Notice, Submission
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.core.fakes import fake_credit_code
from kuaiji.regions.demo import ensure_demo_departments
from kuaiji.regions.loader import load_divisions

from .test_account_journeys import sign_in

# The applicant of the collection tests' helpers: 630104 (西宁市城西区), born 1990-03-14, female.
DOCUMENT_NUMBER = "630104199003141781"
FULL_NAME = "林晓芸"
CREDIT_CODE = fake_credit_code(rng=random.Random(5), region_code="630102")
PORTRAIT_BYTES = (2_800_000, 4 * 1024 * 1024)  # "about 3 MB", under the 4 MB limit


@pytest.fixture
def reference_data():
    """What the data migrations provide, back after the live server's flush."""
    load_divisions()
    departments = ensure_demo_departments()
    seed_special_days()
    if not Notice.objects.exists():
        Notice.objects.create(
            version=1,
            title="信息登记须知",
            body="请如实填写个人信息、工作单位、学历和专业技术资格。\n每一步都会自动保存，可以随时离开，下次登录后继续。",
        )
    return departments


@pytest.fixture
def applicant(reference_data):
    return ApplicantFactory(document_number=DOCUMENT_NUMBER, full_name=FULL_NAME)


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    """A 3 MB 4:3 phone photo (noise, so it really is that large) and small certificate photos."""
    folder = tmp_path_factory.mktemp("collection-photos")
    noise = Image.merge("RGB", [Image.effect_noise((2400, 1800), 30) for _ in range(3)])
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=93)
    files = {"portrait": folder / "portrait.jpg"}
    files["portrait"].write_bytes(buffer.getvalue())
    for index, name in enumerate(("page-1", "page-2", "signed-form")):
        files[name] = folder / f"{name}.jpg"
        files[name].write_bytes(jpeg_bytes(width=800, height=600, color=(230 - 20 * index, 220, 200)))
    return files


def progress(page: Page, position: int):
    expect(page.locator(".progress-count")).to_have_text(f"第 {position} 步，共 8 步")


def pick_division(page: Page, name: str, codes: list[str]):
    """Choose province → prefecture → county; the script fills each next level."""
    for level, code in enumerate(codes):
        select = page.locator(f"#id_{name}_{level}")
        expect(select).to_be_visible()
        expect(select.locator(f"option[value='{code}']")).to_have_count(1)
        select.select_option(code)


def expected_due() -> date:
    return due_on(start=timezone.localdate(), working_days=5)


def chinese_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def upload(page: Page, slot: str, *files):
    """Upload images to one attachment slot and wait for the page to come back with them."""
    section = page.locator(f"#slot-{slot}")
    before = section.locator(".thumbnails img").count()
    page.locator(f"#files-{slot}").set_input_files(list(files))
    section.get_by_role("button", name="上传").click()
    expect(page.locator(f"#slot-{slot} .thumbnails img")).to_have_count(before + len(files))


def download_pdf(page: Page) -> PdfReader:
    with page.expect_download() as download:
        page.get_by_role("link", name="下载个人基本信息表（PDF）").click()
    content = download.value.path().read_bytes()
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    return reader


def pdf_text(reader: PdfReader) -> str:
    return "".join(page.extract_text() for page in reader.pages)


def commit_and_submit(page: Page, shot):
    """The check page's submit button waits for the commitment; then submit."""
    submit = page.get_by_role("button", name="提交审核")
    expect(submit).to_be_disabled()
    expect(page.get_by_text("请先勾选上方的承诺函")).to_be_visible()
    page.get_by_label(re.compile("我已阅读并同意《关于本人信息真实准确承诺函》")).check()
    expect(submit).to_be_enabled()
    shot(page, "check-committed")
    submit.click()
    expect(page).to_have_url(re.compile(r"/collection/submitted/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("信息采集已提交")


def test_with_a_work_unit(page: Page, shot, applicant, reference_data, photos):
    assert PORTRAIT_BYTES[0] < photos["portrait"].stat().st_size < PORTRAIT_BYTES[1]
    page.goto("/sign-in/")
    sign_in(page, DOCUMENT_NUMBER, PASSWORD)
    shot(page, "home")
    page.get_by_role("button", name="开始信息登记").click()
    expect(page).to_have_url(re.compile(r"/collection/tasks/$"))
    tasks = page.locator(".task-list")
    expect(tasks.locator(".task")).to_have_count(8)
    expect(tasks.get_by_text("未开始")).to_have_count(7)
    shot(page, "tasks-new")

    # 阅读须知
    tasks.get_by_role("link", name="阅读须知").click()
    progress(page, 1)
    page.get_by_label(re.compile("我已阅读并知晓以上须知")).check()
    shot(page, "notice")
    page.get_by_role("button", name="下一步").click()

    # 个人信息: the name and phone come from the account, sex and birth date from the ID number.
    progress(page, 2)
    expect(page.locator("#id_full_name")).to_have_value(FULL_NAME)
    expect(page.locator("#id_birth_date")).to_be_disabled()
    expect(page.locator("#id_birth_date")).to_have_value("1990-03-14")
    page.locator("#id_ethnicity").select_option("01")
    page.locator("#id_political_status").select_option("13")
    expect(page.locator("#id_residence_division_1")).to_be_hidden()
    pick_division(page, "residence_division", ["630000", "630100", "630104"])
    page.locator("#id_residence_address").fill("虚构路 1 号")
    shot(page, "personal-filled")
    page.locator("#id_portrait").set_input_files(photos["portrait"])
    page.get_by_role("button", name="上传照片").click()
    message = page.locator(".notice-success")
    expect(message).to_contain_text("295×413 像素")
    found = re.search(r"(\d+) KB", message.inner_text())
    assert found, message.inner_text()
    size_kb = int(found.group(1))
    assert size_kb <= 100
    preview = page.locator(".portrait-preview img")
    expect(preview).to_be_visible()
    assert preview.evaluate("image => image.complete && [image.naturalWidth, image.naturalHeight]") == [
        295,
        413,
    ]
    expect(page.locator(".portrait-preview figcaption")).to_contain_text("295×413 像素")
    # What was typed came back with the page, the county level included.
    expect(page.locator("#id_residence_division_2")).to_have_value("630104")
    expect(page.locator("#id_residence_address")).to_have_value("虚构路 1 号")
    shot(page, "personal-photo")
    page.get_by_role("button", name="保存并继续").click()

    # 工作单位: the unit's details appear under 是; the department follows the unit's county.
    progress(page, 3)
    expect(page.locator("#id_credit_code-group")).to_be_hidden()
    page.locator("input[name=has_employer][value=yes]").check()
    expect(page.locator("#id_credit_code-group")).to_be_visible()
    page.locator("#id_credit_code").fill(CREDIT_CODE)
    page.locator("#id_employer_name").fill("西宁虚构商贸有限公司")
    page.locator("#id_employer_nature").select_option("private_enterprise")
    pick_division(page, "employer_division", ["630000", "630100", "630102"])
    city_east = reference_data["630102"]
    suggestion = page.locator("[data-department-suggestion]")
    expect(suggestion.locator("[data-suggestion-name]")).to_have_text(city_east.name)
    expect(suggestion).to_contain_text(f"咨询电话：{city_east.phones}")
    expect(page.locator("#id_management_department")).to_have_value(str(city_east.pk))
    page.locator("#id_employer_address").fill("虚构大街 8 号")
    page.locator("#id_department_post").fill("财务部 会计")
    page.locator("#id_started_accounting_on").fill("2012-07")
    shot(page, "employer")
    page.get_by_role("button", name="保存并继续").click()

    # 学历
    progress(page, 4)
    page.locator("#id_level").select_option("bachelor")
    page.locator("#id_degree").select_option("bachelor")
    page.locator("#id_school").fill("虚构财经大学")
    page.locator("#id_major").fill("会计学")
    page.locator("#id_graduated_on").fill("2012-06-30")
    page.locator("#id_certificate_number").fill("106001201205000123")
    shot(page, "education")
    page.get_by_role("button", name="保存并继续").click()

    # 专业技术资格: the details appear under 初级, and the server requires them.
    progress(page, 5)
    expect(page.locator("#id_qualification_type-group")).to_be_hidden()
    page.locator("input[name=qualification_level][value=junior]").check()
    expect(page.locator("#id_qualification_type-group")).to_be_visible()
    page.locator("#id_accounting_post").select_option("none")
    page.locator("#id_abacus_level").select_option("none")
    expect(page.locator("#id_appointed_on-group")).to_be_hidden()
    page.get_by_role("button", name="保存并继续").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link", name="已选择专业技术资格，请填写资格类别")).to_have_attribute(
        "href", "#id_qualification_type"
    )
    expect(page.locator("#id_qualification_certificate_number-group .error-message")).to_have_text(
        "已选择专业技术资格，请填写资格证书编号"
    )
    expect(page.locator("input[name=qualification_level][value=junior]")).to_be_checked()
    shot(page, "qualification-errors")
    page.locator("#id_qualification_type").select_option("accounting")
    page.locator("#id_qualification_method").select_option("exam")
    page.locator("#id_qualification_obtained_on").fill("2014-05-20")
    page.locator("#id_qualification_certificate_number").fill("Z630100001")
    shot(page, "qualification")
    page.get_by_role("button", name="保存并继续").click()

    # 附件: the list follows the answers.
    progress(page, 6)
    expect(page.get_by_role("heading", level=1)).to_have_text("附件上传")
    slots = ["id_front", "id_back", "education_certificate", "qualification_certificate", "basic_info_form"]
    expect(page.locator(".attachment-slot")).to_have_count(len(slots))
    for slot in slots:
        expect(page.locator(f"#slot-{slot}")).to_have_count(1)
    expect(page.locator("#slot-abacus_certificate")).to_have_count(0)
    expect(page.locator("#slot-appointment_document")).to_have_count(0)
    expect(page.locator("#files-education_certificate")).to_have_attribute("multiple", "")
    shot(page, "attachments-empty")
    upload(page, "id_front", photos["page-1"])
    upload(page, "id_back", photos["page-2"])
    upload(page, "education_certificate", photos["page-1"], photos["page-2"])
    upload(page, "qualification_certificate", photos["page-1"])
    shot(page, "attachments-uploaded")
    page.get_by_role("link", name="下一步").click()

    # 个人基本信息表: download, print, sign (and stamp), upload.
    progress(page, 7)
    expect(page.locator("main")).to_contain_text("并请工作单位加盖公章")
    assert "盖章" in pdf_text(download_pdf(page))
    upload(page, "basic_info_form", photos["signed-form"])
    shot(page, "basic-info-form")
    page.get_by_role("link", name="下一步：核对并提交").click()

    # 核对并提交: every section, each with its 修改 link.
    progress(page, 8)
    for title, url in (
        ("个人信息", "/collection/section/personal/"),
        ("工作单位与会计管理部门", "/collection/section/employer/"),
        ("学历信息", "/collection/section/education/"),
        ("专业技术资格", "/collection/section/qualification/"),
        ("附件", "/collection/attachments/"),
    ):
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
        expect(page.get_by_role("link", name=re.compile(rf"^修改\s*{title}$"))).to_have_attribute("href", url)
    expect(page.locator(".check-section .error-message")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(CREDIT_CODE)
    expect(page.locator("main")).to_contain_text("青海省 西宁市 城西区")
    shot(page, "check")
    commit_and_submit(page, shot)

    # The confirmation: who reviews it and by when.
    submission = Submission.objects.get(applicant=applicant)
    province = reference_data["630000"]
    assert submission.status == Status.PENDING
    assert submission.department == province
    assert submission.due_on == expected_due()
    main = page.locator("main")
    expect(main).to_contain_text(province.name)
    expect(main).to_contain_text(chinese_date(submission.due_on))
    shot(page, "submitted")
    page.get_by_role("link", name="查看办理进度").click()
    status_panel = page.locator(".panel").first
    expect(status_panel.locator(".status")).to_have_text("待审核")
    expect(status_panel).to_contain_text(province.name)
    expect(status_panel).to_contain_text(chinese_date(submission.due_on))
    expect(page.locator(".timeline")).to_contain_text("提交审核")
    shot(page, "home-pending")

    page.get_by_role("link", name="撤回修改").click()
    expect(page.locator("main")).to_contain_text("回到草稿")
    shot(page, "withdraw-confirm")
    page.get_by_role("button", name="确认撤回").click()
    expect(page.locator(".notice-success")).to_contain_text("已撤回")
    expect(status_panel.locator(".status")).to_have_text("草稿")
    expect(page.get_by_role("link", name="继续填写")).to_be_visible()
    shot(page, "home-withdrawn")
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT and submission.due_on is None


def test_without_a_work_unit(page: Page, shot, applicant, reference_data, photos):
    # Notice, personal info with its photo, education, 无 qualification and their attachments.
    SubmissionFactory.create(complete=True, applicant=applicant, omit=("employer",))
    page.goto("/sign-in/")
    sign_in(page, DOCUMENT_NUMBER, PASSWORD)
    page.get_by_role("link", name="继续填写").click()
    task = page.locator(".task", has_text="工作单位与会计管理部门")
    expect(task.locator(".task-state")).to_have_text("未开始")
    shot(page, "tasks")
    task.get_by_role("link").click()

    # 否: the unit's fields stay out of the way; the department comes from the residence (城西区 has no
    # department of its own, so 西宁市's).
    progress(page, 3)
    xining = reference_data["630100"]
    suggestion = page.locator("[data-department-suggestion]")
    expect(suggestion.locator("[data-suggestion-name]")).to_have_text(xining.name)
    expect(suggestion).to_contain_text(f"咨询电话：{xining.phones}")
    expect(suggestion).to_contain_text("根据个人信息中的户籍或常住地区推荐")
    page.locator("input[name=has_employer][value=no]").check()
    for name in ("credit_code", "employer_name", "employer_division", "department_post"):
        expect(page.locator(f"#id_{name}-group")).to_be_hidden()
    expect(page.locator("#id_management_department")).to_have_value(str(xining.pk))
    page.locator("#id_started_accounting_on").fill("2012-07")
    shot(page, "employer-none")
    page.get_by_role("button", name="保存并继续").click()
    progress(page, 4)
    expect(page.locator("#id_school")).to_have_value("虚构财经大学")

    # The form to sign has no place for a unit's stamp.
    page.goto("/collection/basic-info-form/")
    expect(page.locator("main")).not_to_contain_text("盖章")
    assert "盖章" not in pdf_text(download_pdf(page))
    upload(page, "basic_info_form", photos["signed-form"])
    shot(page, "basic-info-form")
    page.get_by_role("link", name="下一步：核对并提交").click()
    expect(page.locator("main")).to_contain_text("是否有工作单位否")
    expect(page.locator("main")).not_to_contain_text("统一社会信用代码")
    shot(page, "check")
    commit_and_submit(page, shot)
    expect(page.locator("main")).to_contain_text(reference_data["630000"].name)
    expect(page.locator("main")).to_contain_text(chinese_date(expected_due()))
    shot(page, "submitted")


def test_drafts_survive(page: Page, shot, applicant):
    page.goto("/sign-in/")
    sign_in(page, DOCUMENT_NUMBER, PASSWORD)
    page.get_by_role("button", name="开始信息登记").click()
    page.locator(".task-list").get_by_role("link", name="个人信息").click()
    progress(page, 2)
    page.locator("#id_ethnicity").select_option("01")
    page.locator("#id_email").fill("linxiaoyun@")
    pick_division(page, "residence_division", ["630000", "630100"])
    page.get_by_role("button", name="保存并继续").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    message = "请填写正确的电子邮箱，例如 name@example.com"
    link = summary.get_by_role("link", name=message)
    expect(link).to_have_attribute("href", "#id_email")
    expect(page.locator("#id_email-group .error-message")).to_have_text(message)
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    # Nothing typed is lost.
    expect(page.locator("#id_ethnicity")).to_have_value("01")
    expect(page.locator("#id_email")).to_have_value("linxiaoyun@")
    expect(page.locator("#id_residence_division_1")).to_have_value("630100")
    shot(page, "personal-errors")
    link.click()
    expect(page.locator("#id_email")).to_be_focused()
    expect(page.locator("label[for=id_email]")).to_be_in_viewport()
    # The region picker has no element of the field's own id: its link goes to the level still to choose.
    summary.get_by_role("link", name="请继续选择到区县一级").click()
    expect(page.locator("#id_residence_division_2")).to_be_focused()

    page.get_by_role("link", name="返回任务列表").click()
    task = page.locator(".task", has_text="个人信息")
    expect(task.locator(".task-state")).to_have_text("进行中")
    shot(page, "tasks-in-progress")
    task.get_by_role("link").click()
    expect(page.locator("#id_ethnicity")).to_have_value("01")
    expect(page.locator("#id_email")).to_have_value("linxiaoyun@")
    expect(page.locator("#id_residence_division_0")).to_have_value("630000")
    expect(page.locator("#id_residence_division_1")).to_have_value("630100")
    expect(page.locator("#id_residence_division_2")).to_be_visible()
    shot(page, "personal-again")
