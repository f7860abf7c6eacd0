"""Registration (新用户注册), end to end through the SMS outbox.

Covers: document type and number (GB 11643 check digit), name, mobile + SMS code behind the picture
captcha, password twice with the password rules, the agreement box, the ID-card photo (checked by content,
re-encoded without EXIF, stored privately, served only to its owner); each bad input gets its Chinese
message next to the field and keeps what was typed; a number already registered is only revealed after
the SMS code was verified, with a link to reset the password.
"""

import io
import random

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from PIL import Image

from kuaiji.accounts.models import IdentityPhoto, User
from kuaiji.audit.models import AuditEvent
from kuaiji.core.fakes import fake_resident_id

from .factories import ApplicantFactory
from .helpers import jpeg_bytes, last_code_for

URL = "/register/"
rng = random.Random(7)


def photo(name="front.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(
        name, content if content is not None else jpeg_bytes(), content_type=content_type
    )


def form_data(**overrides):
    data = {
        "document_type": "resident_id",
        "document_number": fake_resident_id(rng=rng),
        "full_name": "阿依古丽·买买提",
        "mobile": "13912345678",
        "captcha_0": "key",
        "captcha_1": "PASSED",
        "password1": "Qh2026Kuaiji",
        "password2": "Qh2026Kuaiji",
        "agreement": "on",
    }
    data.update(overrides)
    return data


def send_code(client, data):
    response = client.post(URL, {**data, "action": "send_code"})
    assert response.status_code == 200
    return last_code_for(data["mobile"])


def submit(client, data, **files):
    return client.post(URL, {**data, **files, "action": "submit"})


@pytest.mark.django_db
def test_register_end_to_end_through_the_outbox(client):
    data = form_data(document_number=fake_resident_id(rng=rng).lower().replace("X", "x"))
    code = send_code(client, data)
    response = submit(client, {**data, "sms_code": code}, id_photo=photo())
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    # An applicant's home is their information collection.
    assert client.get(reverse("accounts:home"))["Location"] == reverse("collection:overview")
    user = User.objects.get()
    assert user.document_number == data["document_number"].upper()
    assert user.full_name == "阿依古丽·买买提"
    assert user.mobile_verified_at is not None
    assert user.password.startswith("argon2$argon2id$")
    assert AuditEvent.objects.filter(action="account.registered", target_id=str(user.uuid)).exists()
    # Signed in straight away; the home page shows the masked number.
    home = client.get(reverse("collection:overview"))
    assert "阿依古丽·买买提" in home.content.decode()
    assert data["document_number"].upper() not in home.content.decode()


@pytest.mark.django_db
def test_name_outside_the_bmp_is_stored_exactly(client):
    data = form_data(full_name="𠇔明", mobile="13912340001")
    code = send_code(client, data)
    assert submit(client, {**data, "sms_code": code}, id_photo=photo()).status_code == 302
    assert User.objects.get().full_name == "𠇔明"


@pytest.mark.django_db
def test_stored_photo_is_reencoded_without_exif_and_served_to_its_owner_only(client):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (36.0, 37.0, 0.0)}  # GPS IFD
    data = form_data(mobile="13912340002")
    code = send_code(client, data)
    assert (
        submit(client, {**data, "sms_code": code}, id_photo=photo(content=jpeg_bytes(exif=exif))).status_code
        == 302
    )
    stored = IdentityPhoto.objects.get()
    with default_storage.open(stored.file.name) as handle:
        image = Image.open(io.BytesIO(handle.read()))
        assert not image.getexif()
        assert "exif" not in image.info
    url = reverse("accounts:identity_photo", args=[stored.uuid])
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    client.logout()
    other = ApplicantFactory()
    client.force_login(other)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("document_number", "11010519491231002", "18 位"),
        ("document_number", "110105194912310021", "校验"),
        ("document_number", "110105209912310029", "出生日期"),
        ("full_name", "张3", "数字"),
        ("full_name", "", "请输入姓名"),
        ("mobile", "12345678901", "手机号码"),
        ("password2", "Different2026", "两次输入的密码不一致"),
        ("agreement", "", "请阅读并勾选同意注册协议"),
        ("sms_code", "", "请输入短信验证码"),
    ],
)
@pytest.mark.django_db
def test_each_bad_input_has_its_message_and_keeps_what_was_typed(client, field, value, message):
    data = form_data(**{field: value})
    if field == "agreement":
        data.pop("agreement")
    data.setdefault("sms_code", "123456")
    if field == "sms_code":
        data["sms_code"] = value
    response = submit(client, data, id_photo=photo())
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'class="error-summary"' in page
    # What was typed is still there (passwords aside).
    if field != "full_name":
        assert data["full_name"] in page
    if field != "mobile":
        assert data["mobile"] in page
    assert "Qh2026Kuaiji" not in page
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("abcdefgh", "字母和数字"),
        ("12345678a", "很常见"),
        ("Ab1", "太短"),
    ],
)
@pytest.mark.django_db
def test_password_rules(client, password, message):
    response = submit(
        client, form_data(password1=password, password2=password, sms_code="123456"), id_photo=photo()
    )
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
def test_password_equal_to_the_document_number_is_refused(client):
    number = fake_resident_id(rng=rng)
    data = form_data(document_number=number, password1=number, password2=number, sms_code="123456")
    response = submit(client, data, id_photo=photo())
    assert "密码不能与证件号码相同" in response.content.decode()


@pytest.mark.django_db
def test_wrong_sms_code_is_refused_and_counts(client):
    data = form_data(mobile="13912340003")
    code = send_code(client, data)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = submit(client, {**data, "sms_code": wrong}, id_photo=photo())
    assert response.status_code == 400
    assert "短信验证码不正确，还可以尝试 4 次" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_photo_kept_across_a_failed_try(client):
    data = form_data(mobile="13912340004")
    code = send_code(client, data)
    response = submit(client, {**data, "sms_code": code, "password2": "Mismatch2026"}, id_photo=photo())
    assert response.status_code == 400
    token = str(IdentityPhoto.objects.get().uuid)
    assert token in response.content.decode()
    assert "已上传" in response.content.decode()
    # The second try sends no file: the photo from the first one is used.
    response = submit(client, {**data, "sms_code": code, "id_photo_token": token})
    assert response.status_code == 302
    assert IdentityPhoto.objects.get().owner == User.objects.get()


@pytest.mark.django_db
def test_another_browsers_photo_cannot_be_claimed(client, django_user_model):
    from django.test import Client

    other = Client()
    data = form_data(mobile="13912340005")
    other.post(URL, {**data, "action": "refresh_captcha", "id_photo": photo()})
    token = str(IdentityPhoto.objects.get().uuid)
    code = send_code(client, data)
    response = submit(client, {**data, "sms_code": code, "id_photo_token": token})
    assert response.status_code == 400
    assert "请上传身份证件人像面照片" in response.content.decode()


def _truncated_jpeg():
    return jpeg_bytes(1200, 900, color=(10, 120, 200))[:2000]


def _bomb_png():
    buffer = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buffer, "PNG")
    return buffer.getvalue()


def _big_jpeg():
    buffer = io.BytesIO()
    Image.frombytes("RGB", (2000, 1500), random.Random(3).randbytes(2000 * 1500 * 3)).save(
        buffer, "JPEG", quality=100
    )
    content = buffer.getvalue()
    assert len(content) > 4 * 1024 * 1024
    return content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("card.jpg", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "只能上传 JPG 或 PNG"),
        ("card.jpg", None, "图片文件已损坏"),
        (
            "card.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "只能上传 JPG 或 PNG",
        ),
        ("card.png", "bomb", "图片尺寸过大"),
        ("card.jpg", "big", "不能超过 4 MB"),
    ],
    ids=["renamed-pdf", "truncated-jpeg", "svg", "decompression-bomb", "5mb-jpeg"],
)
@pytest.mark.django_db
def test_bad_photos_are_refused(client, settings, name, content, message):
    if content is None:
        content = _truncated_jpeg()
    elif content == "bomb":
        settings.KUAIJI_IMAGE_MAX_PIXELS = 100_000_000
        content = _bomb_png()
    elif content == "big":
        settings.KUAIJI_IMAGE_MAX_BYTES = 4 * 1024 * 1024  # a 5 MB photo over a 4 MB cap
        content = _big_jpeg()
    data = form_data(mobile="13912340006", sms_code="123456")
    response = submit(client, data, id_photo=photo(name=name, content=content, content_type="image/jpeg"))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IdentityPhoto.objects.exists()


@pytest.mark.django_db
def test_duplicate_number_is_revealed_only_after_the_code_is_verified(client):
    existing = ApplicantFactory()
    data = form_data(document_number=existing.document_number, mobile="13912340007")
    # A wrong code: nothing is said about the number.
    response = submit(client, {**data, "sms_code": "000000"}, id_photo=photo())
    assert "已注册" not in response.content.decode()
    code = send_code(client, data)
    response = submit(client, {**data, "sms_code": code}, id_photo=photo())
    page = response.content.decode()
    assert response.status_code == 400
    assert "该证件号码已注册" in page
    assert reverse("accounts:reset_password") in page
    assert User.objects.count() == 1
    # The code was used up by that answer: it cannot probe another number.
    again = submit(
        client, {**data, "document_number": fake_resident_id(rng=rng), "sms_code": code}, id_photo=photo()
    )
    assert "短信验证码已失效" in again.content.decode()


@pytest.mark.django_db
def test_mobile_bound_to_another_account_is_refused_after_the_code(client):
    existing = ApplicantFactory(mobile="13912340008")
    data = form_data(mobile=existing.mobile)
    code = send_code(client, data)
    response = submit(client, {**data, "sms_code": code}, id_photo=photo())
    assert "该手机号码已绑定其他账号" in response.content.decode()


@pytest.mark.django_db
def test_send_code_needs_the_picture_captcha_and_keeps_the_form(client):
    data = form_data(mobile="13912340009", captcha_1="WRONG")
    response = client.post(URL, {**data, "action": "send_code"})
    page = response.content.decode()
    assert "图片验证码不正确" in page
    assert data["document_number"] in page
    from kuaiji.accounts.sms import read_outbox

    assert read_outbox() == []
