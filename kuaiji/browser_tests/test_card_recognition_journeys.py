"""新用户注册 reads the ID card while the person types (issue 11), in a real browser at a phone and a
desktop size, through the real engine; axe-core audits every step (see conftest).

Requirements covered:
- a file that is no photo is refused beside the field at once; the photo chosen is sent at once; what
  the card says shows without a reload: a name typed unlike the
  card is named, with the card's name and a link to the field; corrected, the page says all is the same;
- the state survives the round trip of asking for the SMS code, and the person registers;
- a reading the worker does not finish in time shows 识别中 with a spinner, then "could not read, a
  reviewer will check" without a reload, and the person registers all the same;
- the reviewer sees what the card says beside its photo, and which field differs from the submission.
"""

import random
import re

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from playwright.sync_api import Page, expect

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.models import User
from kuaiji.accounts.tests.factories import ApplicantFactory, StaffFactory
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.collection.tests.helpers import image_upload
from kuaiji.core.fakes import fake_mobile
from kuaiji.recognition import engine
from kuaiji.recognition.tests.conftest import photo_of, plain_face

from .test_account_journeys import field, send_code
from .test_collection_journeys import reference_data  # noqa: F401  (fixture)
from .test_review_journeys import staff_sign_in

pytestmark = pytest.mark.skipif(not engine.available(), reason="the [ocr] extra is not installed")

PASSWORD = "Xining2026qh"
READ = 30_000  # the first reading in a process loads the models


@pytest.fixture
def card(tmp_path):
    face = plain_face(61)
    path = tmp_path / "身份证正面.jpg"
    path.write_bytes(photo_of(face))
    return face, path


def finish_registering(page: Page, *, full_name: str, after_code=None) -> None:
    """The rest of the form: the phone and its code (``after_code`` checks the page that comes back with
    it), the password, the agreement; then 注册 leads home."""
    mobile = fake_mobile(rng=random.Random(full_name))
    field(page, "手机号码").fill(mobile)
    code = send_code(page, mobile)
    if after_code:
        after_code()
    field(page, "短信验证码").fill(code)
    field(page, "密码").fill(PASSWORD)
    field(page, "确认密码").fill(PASSWORD)
    page.get_by_label(re.compile("我已阅读并同意")).check()
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"您好，{full_name}")


def test_a_name_typed_unlike_the_card_is_pointed_out_at_once_and_corrected(page: Page, shot, card, settings):
    settings.KUAIJI_CARD_RECOGNITION = True
    face, photo = card
    page.goto("/register/")
    field(page, "证件类型").select_option(label="居民身份证")
    field(page, "证件号码").fill(face.number)
    field(page, "姓名").fill("王小明")
    # First a file that is no photo: refused beside the field, nothing shown as accepted.
    not_a_photo = photo.with_name("扫描件.jpg")
    not_a_photo.write_bytes(b"%PDF-1.4 not a photo")
    field(page, "身份证件人像面照片").set_input_files(not_a_photo)
    expect(page.locator("#id_id_photo-group .error-message")).to_contain_text(
        "只能上传 JPG 或 PNG 格式的图片"
    )
    expect(page.locator("#id_photo_check")).not_to_contain_text("已上传")
    expect(page.locator("#id_photo_check .spinner")).to_have_count(0)
    shot(page, "refused")
    field(page, "身份证件人像面照片").set_input_files(photo)
    expect(page.locator("#id_id_photo-group .error-message")).to_have_count(0)
    state = page.locator("#id_photo_check")
    expect(state).to_contain_text(f"证件上的姓名为“{face.name}”，填写的是“王小明”", timeout=READ)
    expect(state).to_contain_text("证件号码一致")
    shot(page, "mismatch")

    state.get_by_role("link", name="修改姓名").click()
    expect(field(page, "姓名")).to_be_focused()
    field(page, "姓名").fill(face.name)
    field(page, "姓名").press("Tab")
    expect(state).to_contain_text("姓名和证件号码与填写的一致")
    shot(page, "corrected")

    def kept_through_the_round_trip():
        # Asking for the code sends the page round: the photo is kept and its state shown again.
        expect(state).to_contain_text("已上传：身份证正面.jpg")
        expect(state).to_contain_text("姓名和证件号码与填写的一致")

    finish_registering(page, full_name=face.name, after_code=kept_through_the_round_trip)
    assert User.objects.get(document_number=face.number).identity_photos.count() == 1


def test_a_card_not_read_in_time_says_so_and_the_person_registers(
    page: Page,
    shot,
    card,
    settings,
):
    immediate = settings.TASKS
    # The reading is only queued: no worker reads it.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    settings.KUAIJI_CARD_RECOGNITION = True
    settings.KUAIJI_CARD_READING_SECONDS = 3
    face, photo = card
    page.goto("/register/")
    field(page, "证件号码").fill(face.number)
    field(page, "姓名").fill(face.name)
    field(page, "身份证件人像面照片").set_input_files(photo)
    state = page.locator("#id_photo_check")
    expect(state.locator(".spinner")).to_be_visible()
    expect(state).to_contain_text("正在识别证件照片")
    shot(page, "reading")
    expect(state).to_contain_text(
        "未能自动识别这张证件照片，审核人员将人工核对，您可以继续注册", timeout=8_000
    )
    expect(state.locator(".spinner")).to_have_count(0)
    shot(page, "could-not-read")
    settings.TASKS = immediate  # the SMS code is sent by a task too
    finish_registering(page, full_name=face.name)


def test_the_reviewer_sees_the_card_read_beside_its_photo(
    page: Page,
    shot,
    reference_data,  # noqa: F811
    settings,
):
    settings.KUAIJI_CARD_RECOGNITION = True
    face = plain_face(62)
    applicant = ApplicantFactory.create(full_name=face.name, document_number=face.number)

    def upload_for(slot):
        if slot == "id_front":
            return SimpleUploadedFile("身份证正面.jpg", photo_of(face), content_type="image/jpeg")
        return image_upload(name=f"{slot}.jpg", size=(320, 240))

    # The applicant gave a name unlike the card in 信息登记.
    submission = SubmissionFactory.create(
        submitted=True,
        applicant=applicant,
        sections={"personal": {"full_name": "王小明"}},
        upload_for=upload_for,
    )
    reviewer = StaffFactory.create(department=reference_data["630000"])
    reviewer.groups.add(Group.objects.get_or_create(name=StaffRole.REVIEWER)[0])
    staff_sign_in(page, reviewer)
    page.goto(f"/review/{submission.uuid}/")
    panel = page.locator(".card-reading")
    expect(panel).to_contain_text("姓名与填报内容不一致，请对照照片核对")
    expect(panel.locator(".is-changed")).to_have_count(1)
    expect(panel.locator(".is-changed")).to_contain_text(f"{face.name} 不一致填报内容：王小明")
    panel.evaluate("panel => panel.scrollIntoView({block: 'center'})")
    shot(page, "review-detail")
