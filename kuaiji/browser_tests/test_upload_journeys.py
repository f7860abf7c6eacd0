"""Uploads in a real browser (issue 8, defects 8 and 9), at a phone and a desktop size; axe-core audits
every step (see conftest).

Requirements covered:
- a refused upload (a GIF named .png) on 附件上传 and on 个人基本信息表 shows its reason inside the slot,
  with the page script on (it used to reload the page silently);
- a phone photo over 4 MB, turned by its EXIF orientation, is shrunk by the browser before sending and
  stored upright (portrait stays portrait).
"""

import io

from PIL import Image
from playwright.sync_api import Page, expect

from kuaiji.accounts.tests.factories import PASSWORD, ApplicantFactory
from kuaiji.collection import services
from kuaiji.collection.models import Attachment

from .test_account_journeys import sign_in
from .test_collection_journeys import reference_data  # noqa: F401  (fixture)

DOCUMENT_NUMBER = "630104199003141781"


def signed_in_with_a_draft(page: Page) -> None:
    applicant = ApplicantFactory.create(document_number=DOCUMENT_NUMBER, full_name="林晓芸")
    services.start_collection(applicant)
    page.goto("/sign-in/")
    sign_in(page, DOCUMENT_NUMBER, PASSWORD)


def gif_named_png(tmp_path):
    path = tmp_path / "正面.png"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 100, 50)).save(buffer, "GIF")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_refused_upload_says_why_next_to_the_slot(page: Page, shot, reference_data, tmp_path):  # noqa: F811
    signed_in_with_a_draft(page)
    gif = gif_named_png(tmp_path)

    page.goto("/collection/attachments/")
    page.locator("#files-id_front").set_input_files(str(gif))
    page.locator("#slot-id_front").get_by_role("button", name="上传").click()
    errors = page.locator("#slot-id_front-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("正面.png：")
    expect(errors).to_be_focused()
    expect(page.locator("#slot-id_front .upload-preview")).to_have_count(0)
    shot(page, "attachments-refused")

    page.goto("/collection/basic-info-form/")
    page.locator("#files-basic_info_form").set_input_files(str(gif))
    page.locator("#slot-basic_info_form").get_by_role("button", name="上传").click()
    errors = page.locator("#slot-basic_info_form-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("正面.png：")
    shot(page, "basic-info-form-refused")
    assert not Attachment.objects.exists()


def test_a_large_phone_photo_is_shrunk_and_stays_upright(page: Page, shot, reference_data, tmp_path):  # noqa: F811
    signed_in_with_a_draft(page)
    # 4000×3000 noise as the sensor stores it, with EXIF orientation 6 (turn 90° to show it upright).
    path = tmp_path / "IMG_0001.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.effect_noise((4000, 3000), 40).convert("RGB").save(path, "JPEG", quality=92, exif=exif)
    assert path.stat().st_size > 4 * 1024 * 1024

    page.goto("/collection/attachments/")
    page.locator("#files-education_certificate").set_input_files(str(path))
    page.locator("#slot-education_certificate").get_by_role("button", name="上传").click()
    expect(page.locator("#slot-education_certificate .thumbnails img")).to_have_count(1)
    shot(page, "large-photo-uploaded")

    stored = Attachment.objects.get(slot="education_certificate")
    with stored.file.open("rb") as handle, Image.open(handle) as image:
        width, height = image.size
    assert height > width, "the photo lost its orientation"
    assert max(width, height) <= 3000, "the browser did not shrink the photo"


def test_a_rare_name_prints_on_the_downloaded_form(page: Page, shot, reference_data, tmp_path):  # noqa: F811
    # Defect 10: 李𪚥 (CJK Extension B) on the form the browser downloads, in the embedded fallback font.
    import pytest
    from pypdf import PdfReader

    from kuaiji.collection import basic_info_form
    from kuaiji.collection.tests import helpers
    from kuaiji.collection.tests.factories import SubmissionFactory

    if basic_info_form.fallback_font_path() is None:
        pytest.skip("no fallback CJK font installed (.ci/run installs fonts-hanazono)")
    person = ApplicantFactory(document_number=DOCUMENT_NUMBER, full_name="李\U0002a6a5")
    submission = SubmissionFactory.create(complete=True, applicant=person)
    services.save_section(
        submission,
        section="personal",
        data={**helpers.PERSONAL, "full_name": "李\U0002a6a5", "mobile": person.mobile},
        expected_version=submission.version,
    )
    page.goto("/sign-in/")
    sign_in(page, DOCUMENT_NUMBER, PASSWORD)
    page.goto("/collection/basic-info-form/")
    shot(page, "basic-info-form")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载个人基本信息表（PDF）").click()
    reader = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = reader.pages[0].extract_text()
    assert "\U0002a6a5" in text and basic_info_form.MISSING_GLYPH not in text
    assert DOCUMENT_NUMBER in text
    font_dict = reader.pages[0]["/Resources"]["/Font"]  # type: ignore[index]  # pypdf: entries are PdfObject
    fonts = [str(f.get_object()["/BaseFont"]) for f in font_dict.values()]
    assert any(basic_info_form.FALLBACK_FONT_NAME in font for font in fonts)
