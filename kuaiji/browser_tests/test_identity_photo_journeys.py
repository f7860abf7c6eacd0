"""The registration's ID-card photo is not asked for again (issue 8, defect 13), in a real browser at a
phone and a desktop size; axe-core audits every step (see conftest).

Requirements covered:
- a person who registered with the photo of their ID card's 人像面 and starts 信息登记 finds it already
  in the 身份证件人像面 slot on 附件上传, marked as the one given at registration;
- 删除 brings the slot's upload form back and another photo can be uploaded in its place; the
  registration's photo does not come back;
- the reviewer sees the reused photo in the 身份证件人像面 slot, marked 注册时上传.
"""

import random
import re

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from playwright.sync_api import Page, expect

from kuaiji.accounts.constants import IdentityPhotoKind, StaffRole
from kuaiji.accounts.models import IdentityPhoto, User
from kuaiji.accounts.services import store_identity_photo
from kuaiji.accounts.tests.factories import ApplicantFactory, StaffFactory
from kuaiji.accounts.tests.helpers import jpeg_bytes
from kuaiji.collection.models import Attachment
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.core.fakes import fake_mobile, fake_resident_id

from .test_account_journeys import field, send_code
from .test_collection_journeys import reference_data  # noqa: F401  (fixture)
from .test_review_journeys import staff_sign_in

FULL_NAME = "马静怡"
PASSWORD = "Xining2026qh"


@pytest.fixture
def photos(tmp_path):
    files = {"registration": tmp_path / "身份证正面.jpg", "replacement": tmp_path / "身份证正面-新.jpg"}
    files["registration"].write_bytes(jpeg_bytes(width=856, height=540, color=(214, 196, 170)))
    files["replacement"].write_bytes(jpeg_bytes(width=856, height=540, color=(120, 160, 200)))
    return files


def register(page: Page, photo) -> User:
    rng = random.Random(20261202)
    number, mobile = fake_resident_id(rng=rng), fake_mobile(rng=rng)
    page.goto("/register/")
    field(page, "证件类型").select_option(label="居民身份证")
    field(page, "证件号码").fill(number)
    field(page, "姓名").fill(FULL_NAME)
    field(page, "手机号码").fill(mobile)
    code = send_code(page, mobile)
    field(page, "短信验证码").fill(code)
    field(page, "密码").fill(PASSWORD)
    field(page, "确认密码").fill(PASSWORD)
    field(page, "身份证件人像面照片").set_input_files(photo)
    page.get_by_label(re.compile("我已阅读并同意")).check()
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"您好，{FULL_NAME}")
    return User.objects.get(document_number=number)


def test_the_registration_photo_is_in_its_slot_and_can_be_replaced(
    page: Page,
    shot,
    reference_data,  # noqa: F811
    photos,
):
    person = register(page, photos["registration"])
    registration_photo = IdentityPhoto.objects.get(owner=person)
    page.get_by_role("button", name="开始信息登记").click()
    expect(page).to_have_url(re.compile(r"/collection/"))
    shot(page, "started")

    page.goto("/collection/attachments/")
    slot = page.locator("#slot-id_front")
    expect(slot.locator(".thumbnails img")).to_have_count(1)
    expect(slot).to_contain_text("已上传 1 张")
    expect(slot).to_contain_text("这是您注册时上传的照片，无需再次上传。如需更换，请删除后重新上传。")
    expect(slot.locator("input[type=file]")).to_have_count(0)  # one image: no second upload
    assert slot.locator(".thumbnails img").evaluate("image => image.complete && image.naturalWidth") == 856
    # The 国徽面 was not given at registration: that slot still asks for it.
    expect(page.locator("#slot-id_back")).to_contain_text("未上传")
    shot(page, "reused-photo-in-slot")

    slot.get_by_role("button", name="删除第 1 张").click()
    expect(page.locator(".notice-success")).to_contain_text("已删除")
    slot = page.locator("#slot-id_front")
    expect(slot).to_contain_text("未上传")
    expect(slot).not_to_contain_text("注册时上传")
    shot(page, "reused-photo-deleted")

    page.locator("#files-id_front").set_input_files(str(photos["replacement"]))
    slot.get_by_role("button", name="上传").click()
    expect(page.locator("#slot-id_front .thumbnails img")).to_have_count(1)
    slot = page.locator("#slot-id_front")
    expect(slot).to_contain_text("已上传 1 张")
    expect(slot).not_to_contain_text("注册时上传")
    shot(page, "replacement-uploaded")

    [in_slot] = Attachment.objects.filter(owner=person, slot="id_front", submission__isnull=False)
    assert not in_slot.from_registration and in_slot.sha256 != registration_photo.sha256
    # The registration's own photo is untouched (the attachment was a copy).
    assert IdentityPhoto.objects.filter(pk=registration_photo.pk).exists()


def test_the_reviewer_sees_the_registration_photo_in_its_slot(
    page: Page,
    shot,
    reference_data,  # noqa: F811
    photos,
):
    applicant = ApplicantFactory.create(full_name=FULL_NAME)
    upload = SimpleUploadedFile(
        "身份证正面.jpg", photos["registration"].read_bytes(), content_type="image/jpeg"
    )
    store_identity_photo(upload=upload, kind=IdentityPhotoKind.FRONT, upload_session="s", owner=applicant)
    submission = SubmissionFactory.create(submitted=True, applicant=applicant)
    reviewer = StaffFactory.create(department=reference_data["630000"])
    reviewer.groups.add(Group.objects.get_or_create(name=StaffRole.REVIEWER)[0])

    staff_sign_in(page, reviewer)
    page.goto(f"/review/{submission.uuid}/")
    figure = page.locator("figure.viewer", has_text="身份证件人像面")
    expect(figure.locator("figcaption")).to_have_text("身份证件人像面（注册时上传）")
    image = figure.locator("img")
    # The images load lazily, and on a desktop they are a column that scrolls by itself.
    figure.evaluate("figure => figure.scrollIntoView({block: 'start'})")
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("image => image.naturalWidth") == 856
    expect(page.locator("figure.viewer", has_text="身份证件国徽面").locator("figcaption")).to_have_text(
        "身份证件国徽面"
    )
    shot(page, "review-detail")
