"""Legacy holders (原持有会计从业资格证人员) and account appeals (账号申诉).

Covers: importing an old register from CSV and XLSX, with the source file and row of each person and a
report of refused rows; activation by name + document number + an SMS code to a phone the person enters,
then a password; an appeal with three ID photos and a new phone verified by SMS, whose state the person
can look up.
"""

import random

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from kuaiji.accounts.constants import AppealStatus
from kuaiji.accounts.models import AccountAppeal, IdentityPhoto, User
from kuaiji.audit.models import AuditEvent
from kuaiji.core.fakes import fake_resident_id

from .factories import ApplicantFactory, LegacyHolderFactory
from .helpers import jpeg_bytes, last_code_for

rng = random.Random(11)


def activation_data(holder, **overrides):
    data = {
        "full_name": holder.full_name,
        "document_type": "resident_id",
        "document_number": holder.document_number,
        "mobile": "13712340000",
        "captcha_0": "key",
        "captcha_1": "PASSED",
        "password1": "Legacy2026pw",
        "password2": "Legacy2026pw",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_activate_legacy_account(client):
    holder = LegacyHolderFactory()
    data = activation_data(holder)
    client.post("/activate/", {**data, "action": "send_code"})
    code = last_code_for(data["mobile"])
    response = client.post("/activate/", {**data, "sms_code": code, "action": "submit"})
    assert response.status_code == 302
    user = User.objects.get(document_number=holder.document_number)
    assert user.legacy_holder == holder
    holder.refresh_from_db()
    assert holder.activated_at is not None
    client.logout()
    response = client.post("/sign-in/", {"login": holder.document_number, "password": "Legacy2026pw"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_activation_needs_the_name_of_the_register(client):
    holder = LegacyHolderFactory()
    data = activation_data(holder, full_name="王五")
    client.post("/activate/", {**data, "action": "send_code"})
    response = client.post(
        "/activate/", {**data, "sms_code": last_code_for(data["mobile"]), "action": "submit"}
    )
    assert response.status_code == 400
    assert "原持证人员名单中没有" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_activation_of_an_already_registered_number_points_to_reset(client):
    holder = LegacyHolderFactory()
    ApplicantFactory(document_number=holder.document_number, full_name=holder.full_name)
    data = activation_data(holder)
    client.post("/activate/", {**data, "action": "send_code"})
    response = client.post(
        "/activate/", {**data, "sms_code": last_code_for(data["mobile"]), "action": "submit"}
    )
    assert "该证件号码已注册" in response.content.decode()


def _photo(name):
    return SimpleUploadedFile(name, jpeg_bytes(640, 400), content_type="image/jpeg")


@pytest.mark.django_db
def test_file_an_appeal_and_see_its_state(client):
    taken = ApplicantFactory()
    data = {
        "reason": "number_taken",
        "full_name": "郑雨桐",
        "document_type": "resident_id",
        "document_number": taken.document_number,
        "mobile": "13612340000",
        "captcha_0": "key",
        "captcha_1": "PASSED",
        "explanation": "本人从未注册过该账号。",
    }
    response = client.post(
        "/appeals/new/", {**data, "action": "send_code", "photo_front": _photo("front.jpg")}
    )
    assert response.status_code == 200
    # The photo chosen while asking for the code is kept.
    front = IdentityPhoto.objects.get()
    code = last_code_for(data["mobile"])
    response = client.post(
        "/appeals/new/",
        {
            **data,
            "sms_code": code,
            "action": "submit",
            "photo_front_token": str(front.uuid),
            "photo_back": _photo("back.jpg"),
            "photo_in_hand": _photo("hand.jpg"),
        },
    )
    assert response.status_code == 302
    appeal = AccountAppeal.objects.get()
    assert appeal.status == AppealStatus.PENDING
    assert appeal.photos.count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "待处理" in page
    assert taken.document_number not in page  # masked
    assert AuditEvent.objects.filter(action="appeal.filed").exists()


@pytest.mark.django_db
def test_appeal_without_photos_lists_each_missing_one(client):
    data = {
        "reason": "phone_lost",
        "full_name": "郑雨桐",
        "document_type": "resident_id",
        "document_number": fake_resident_id(rng=rng),
        "mobile": "13612340001",
        "sms_code": "123456",
        "action": "submit",
    }
    page = client.post("/appeals/new/", data).content.decode()
    for label in ("证件人像面照片", "证件国徽面照片", "手持证件照片"):
        assert f"请上传{label}" in page
    assert not AccountAppeal.objects.exists()


@pytest.mark.django_db
def test_reset_page_answers_a_strangers_identity_like_a_wrong_code(client):
    data = {
        "document_type": "resident_id",
        "document_number": fake_resident_id(rng=rng),
        "full_name": "赵六",
        "sms_code": "123456",
        "password1": "Reset2026pw",
        "password2": "Reset2026pw",
        "action": "submit",
    }
    response = client.post("/password/reset/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "短信验证码不正确，请核对证件号码、姓名和验证码" in page
    assert data["document_number"] in page  # what was typed is kept


def _reset_code_request(client, *, document_number, full_name):
    return client.post(
        "/password/reset/",
        {
            "document_type": "resident_id",
            "document_number": document_number,
            "full_name": full_name,
            "captcha_0": "test",
            "captcha_1": "PASSED",
            "action": "send_code",
        },
    )


def _comparable(response, *, document_number, full_name) -> str:
    """The page without what differs by construction: what was typed, the CSRF token, the captcha key."""
    import re

    page = response.content.decode()
    page = page.replace(document_number, "<number>").replace(full_name, "<name>")
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return re.sub(r"[0-9a-f]{40}", "<captcha>", page)


@pytest.mark.django_db
def test_second_reset_code_request_answers_the_same_for_a_real_and_a_made_up_account(client):
    """Within 60 s a second request for a real account must not say "too often" where a stranger's would not."""
    from django.test import Client

    real = ApplicantFactory()
    made_up = {"document_number": fake_resident_id(rng=rng), "full_name": "钱多多"}
    real_identity = {"document_number": real.document_number, "full_name": real.full_name}
    real_client, made_up_client = client, Client()

    answers = []
    for _ in range(2):
        for who, identity in ((real_client, real_identity), (made_up_client, made_up)):
            response = _reset_code_request(who, **identity)
            answers.append((response.status_code, _comparable(response, **identity)))
    first_real, first_made_up, second_real, second_made_up = answers

    assert first_real == first_made_up
    assert second_real == second_made_up
    assert last_code_for(real.mobile)
