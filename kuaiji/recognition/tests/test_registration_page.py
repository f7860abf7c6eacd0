"""新用户注册 tells the applicant at once what the card says against what they typed, and never blocks.

Through the page's two background requests (the photo sent when chosen, its state asked for every second)
and through the plain form without the script; synthetic cards through the real engine:
- a match; a name mismatch that names the field and says what the card reads, corrected by retyping;
  a number mismatch; a rare character the engine cannot read, left to the reviewer;
- 识别中 while the worker has not read it, "could not read" at the time limit, and for a blank photo;
- a refused upload answers its reason; another browser's photo is not found; past the hourly limit of
  readings from one address the photo is still taken, unread;
- a mismatch does not stop the registration; the state shows after a round trip without the script;
- the state request (polled every second) costs a fixed handful of queries.
"""

import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from PIL import Image

from kuaiji.accounts.models import IdentityPhoto, User
from kuaiji.accounts.tests.helpers import last_code_for
from kuaiji.core.fakes import fake_resident_id
from kuaiji.recognition.constants import ReadingState
from kuaiji.recognition.models import CardReading
from kuaiji.recognition.synthetic import fake_card_face

from .conftest import needs_engine, photo_of, plain_face

pytestmark = [pytest.mark.django_db]

UPLOAD = reverse("accounts:register_photo")
CHECK = reverse("accounts:register_photo_check")


def card_file(content: bytes, name: str = "card.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def typed(face, **overrides) -> dict:
    data = {"document_type": "resident_id", "document_number": face.number, "full_name": face.name}
    data.update(overrides)
    return data


def upload(client, content: bytes, **data):
    return client.post(UPLOAD, {**data, "id_photo": card_file(content)})


def check(client, token: str, **data):
    return client.post(CHECK, {**data, "id_photo_token": token})


def blank_jpeg() -> bytes:
    import io

    out = io.BytesIO()
    Image.new("RGB", (1000, 630), (235, 235, 230)).save(out, format="JPEG")
    return out.getvalue()


@needs_engine
def test_a_matching_card_says_so_and_gives_the_token(client, recognition_on):
    face = plain_face(21)
    response = upload(client, photo_of(face), **typed(face))
    assert response.status_code == 200
    answer = response.json()
    photo = IdentityPhoto.objects.get(uuid=answer["token"])
    assert photo.owner is None and CardReading.objects.get(sha256=photo.sha256).state == ReadingState.DONE
    assert answer["in_progress"] is False and answer["poll_after_ms"] is None
    assert "姓名和证件号码与填写的一致" in answer["html"]
    assert "已上传：card.jpg" in answer["html"]


@needs_engine
def test_a_name_mismatch_names_the_field_and_the_card_s_name_until_it_is_retyped(client, recognition_on):
    face = plain_face(22)
    answer = upload(client, photo_of(face), **typed(face, full_name="王小明")).json()
    assert "证件照片上的姓名与填写的不一致" in answer["html"]
    assert f"证件上的姓名为“{face.name}”，填写的是“王小明”" in answer["html"]
    assert 'href="#id_full_name"' in answer["html"] and "证件号码一致" in answer["html"]
    # The person corrects the name; the page asks again (on change) and the warning goes.
    again = check(client, answer["token"], **typed(face)).json()
    assert "姓名和证件号码与填写的一致" in again["html"]


@needs_engine
def test_a_number_mismatch_shows_the_number_on_the_card(client, recognition_on):
    face = plain_face(23)
    other = fake_resident_id(rng=random.Random(5))
    answer = upload(client, photo_of(face), **typed(face, document_number=other)).json()
    assert "证件照片上的证件号码与填写的不一致" in answer["html"]
    assert face.number in answer["html"] and 'href="#id_document_number"' in answer["html"]
    assert "姓名一致" in answer["html"]


@needs_engine
def test_nothing_typed_yet_shows_what_the_card_says_without_a_warning(client, recognition_on):
    face = plain_face(24)
    answer = upload(client, photo_of(face)).json()
    assert f"证件上的姓名为“{face.name}”" in answer["html"]
    assert "不一致" not in answer["html"]


@needs_engine
def test_a_rare_character_is_left_to_the_reviewer(client, recognition_on):
    rng = random.Random(3)
    face = next(
        f for f in (fake_card_face(rng=rng, rare=1, minority=0) for _ in range(20)) if len(f.name) >= 2
    )
    answer = upload(client, photo_of(face), **typed(face)).json()
    assert "姓名中的生僻字无法自动识别" in answer["html"]
    assert "不一致" not in answer["html"]


@needs_engine
def test_a_blank_photo_says_it_could_not_be_read_and_lets_the_person_go_on(client, recognition_on):
    answer = upload(client, blank_jpeg(), full_name="张三").json()
    assert answer["in_progress"] is False
    assert "未能自动识别这张证件照片，审核人员将人工核对，您可以继续注册" in answer["html"]


def test_while_the_worker_has_not_read_it_the_page_shows_recognising_then_gives_up(
    client, recognition_on, database_tasks, settings
):
    # The database backend only queues the task: no worker runs.
    face = plain_face(25)
    answer = upload(client, photo_of(face), **typed(face)).json()
    assert answer["in_progress"] is True and answer["poll_after_ms"] == 1000
    assert "正在识别证件照片" in answer["html"] and "data-in-progress" in answer["html"]
    reading = CardReading.objects.get()
    CardReading.objects.filter(pk=reading.pk).update(
        requested_at=reading.requested_at - timedelta(seconds=settings.KUAIJI_CARD_READING_SECONDS)
    )
    later = check(client, answer["token"], **typed(face)).json()
    assert later["in_progress"] is False and later["poll_after_ms"] is None
    assert "未能自动识别这张证件照片" in later["html"] and "正在识别" not in later["html"]


def test_a_refused_photo_answers_why(client, recognition_on):
    response = client.post(
        UPLOAD, {"id_photo": SimpleUploadedFile("card.jpg", b"not an image", "image/jpeg")}
    )
    assert response.status_code == 400
    assert response.json()["errors"] and all("\u4e00" <= e[0] <= "\u9fff" for e in response.json()["errors"])
    assert not IdentityPhoto.objects.exists() and not CardReading.objects.exists()
    assert client.post(UPLOAD, {}).status_code == 400


def test_another_browser_s_photo_is_not_found(client, recognition_on, database_tasks):
    from django.test import Client

    token = upload(client, blank_jpeg()).json()["token"]
    assert check(Client(), token).status_code == 404
    assert check(client, "not-a-uuid").status_code == 404
    assert client.get(CHECK).status_code == 405


def test_past_the_hourly_limit_the_photo_is_taken_unread(client, recognition_on, database_tasks, settings):
    settings.KUAIJI_CARD_READINGS_PER_ADDRESS_HOURLY = 1
    upload(client, photo_of(plain_face(26)))
    answer = upload(client, photo_of(plain_face(27))).json()
    assert IdentityPhoto.objects.count() == 2 and CardReading.objects.count() == 1
    assert IdentityPhoto.objects.get(uuid=answer["token"])
    assert "识别" not in answer["html"]


def test_the_state_request_costs_a_fixed_handful_of_queries(
    client, recognition_on, database_tasks, django_assert_max_num_queries
):
    face = plain_face(28)
    token = upload(client, photo_of(face), **typed(face)).json()["token"]
    # The session, the photo, its reading.
    with django_assert_max_num_queries(3):
        assert check(client, token, **typed(face)).status_code == 200


@needs_engine
def test_a_mismatch_does_not_stop_registration_and_shows_after_a_round_trip_without_the_script(
    client, recognition_on
):
    face = plain_face(29)
    data = {
        **typed(face, full_name="王小明"),
        "mobile": "13912345601",
        "captcha_0": "key",
        "captcha_1": "PASSED",
        "password1": "Qh2026Kuaiji",
        "password2": "Qh2026Kuaiji",
        "agreement": "on",
    }
    # The photo goes with the form when the code is asked for; the page comes back with the state.
    page = client.post("/register/", {**data, "action": "send_code", "id_photo": card_file(photo_of(face))})
    html = page.content.decode()
    assert f"证件上的姓名为“{face.name}”，填写的是“王小明”" in html
    token = page.context["form"]["id_photo_token"].value()
    response = client.post(
        "/register/",
        {**data, "id_photo_token": token, "sms_code": last_code_for(data["mobile"]), "action": "submit"},
    )
    assert response.status_code == 302
    user = User.objects.get(mobile="13912345601")
    assert user.full_name == "王小明" and user.identity_photos.get().uuid.hex == token.replace("-", "")
