"""Reviewers see what was read off the card beside its photo: on the review page, in the staff API and on
an account appeal (the appeal's card against the appellant, the account's registration photo against the
account). Synthetic cards through the real engine; the reading costs the review page one query."""

import re
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from kuaiji.accounts.constants import AppealReason, IdentityPhotoKind
from kuaiji.accounts.models import AccountAppeal
from kuaiji.accounts.services import appeal_department, store_identity_photo
from kuaiji.accounts.tests.factories import ApplicantFactory
from kuaiji.accounts.tests.helpers import jpeg_bytes
from kuaiji.api.models import ApiToken
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.collection.tests.helpers import image_upload
from kuaiji.recognition.models import CardReading

from .conftest import needs_engine, photo_of, plain_face

pytestmark = [pytest.mark.django_db, needs_engine]


def rows(html: str, label: str) -> list[str]:
    """The text of each reading panel's row ``label`` (tags stripped), in page order."""
    panels = re.findall(r'<section class="card-reading".*?</section>', html, flags=re.S)
    found = [row for panel in panels for row in re.findall(rf"<dt>{label}</dt><dd>(.*?)</dd>", panel)]
    return [re.sub(r"<[^>]+>", "", row) for row in found]


def submitted_with_card(face, *, submitted_name: str):
    applicant = ApplicantFactory(full_name=face.name, document_number=face.number)

    def upload_for(slot):
        if slot == "id_front":
            return SimpleUploadedFile("front.jpg", photo_of(face), content_type="image/jpeg")
        return image_upload(name=f"{slot}.jpg", size=(320, 240))

    return SubmissionFactory.create(
        submitted=True,
        applicant=applicant,
        sections={"personal": {"full_name": submitted_name}},
        upload_for=upload_for,
    )


def test_the_review_page_and_api_show_the_card_beside_its_photo(recognition_on, reviewer_for, departments):
    face = plain_face(41)
    submission = submitted_with_card(face, submitted_name=face.name)
    province = reviewer_for("630000")
    html = province.get(reverse("review:detail", args=[submission.uuid])).content.decode()
    assert "证件照片自动识别" in html and "姓名、证件号码与填报内容一致" in html
    assert rows(html, "姓名") == [f"{face.name} 一致填报内容：{face.name}"]
    assert rows(html, "证件号码") == [f"{face.number} 一致填报内容：{face.number}"]
    assert html.index("人像面") < html.index("证件照片自动识别")  # beside the photo, below its caption

    detail = _api_detail(province, submission)
    reading = detail["card_reading"]
    assert (reading["state"], reading["name_match"], reading["number_match"]) == ("done", "same", "same")
    assert reading["name"] == face.name and reading["number_valid"] is True
    front = next(a for a in detail["attachments"] if a["slot"] == "id_front")
    assert reading["attachment_uuid"] == front["uuid"]


def _api_detail(client, submission) -> dict:
    _, secret = ApiToken.issue(user=client.staff, lifetime=timedelta(hours=1))
    response = Client().get(
        f"/api/v1/staff/submissions/{submission.uuid}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_name_submitted_unlike_the_card_is_pointed_out(recognition_on, reviewer_for, departments):
    face = plain_face(42)
    submission = submitted_with_card(face, submitted_name="王小明")
    html = reviewer_for("630000").get(reverse("review:detail", args=[submission.uuid])).content.decode()
    assert "姓名与填报内容不一致" in html
    assert rows(html, "姓名") == [f"{face.name} 不一致填报内容：王小明"]


def test_the_reading_costs_the_review_page_one_query(recognition_on, reviewer_for, departments):
    face = plain_face(43)
    submission = submitted_with_card(face, submitted_name=face.name)
    province = reviewer_for("630000")
    url = reverse("review:detail", args=[submission.uuid])
    province.get(url)
    with CaptureQueriesContext(connection) as with_reading:
        province.get(url)
    CardReading.objects.all().delete()
    with CaptureQueriesContext(connection) as without:
        html = province.get(url).content.decode()
    assert "证件照片自动识别" not in html
    # The same query runs either way (it finds nothing the second time): one query in all for the panel.
    assert len(with_reading.captured_queries) == len(without.captured_queries)
    assert sum("recognition_cardreading" in q["sql"] for q in without.captured_queries) == 1


def _jpeg(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg")


def test_an_appeal_shows_both_cards_against_their_people(recognition_on, reviewer_for, departments):
    face = plain_face(44)
    # Someone registered the appellant's number under another name with a photo of their own card.
    squatter_face = plain_face(45)
    squatter = ApplicantFactory(document_number=face.number, full_name="王小明")
    store_identity_photo(
        upload=_jpeg(photo_of(squatter_face)), kind=IdentityPhotoKind.FRONT, upload_session="", owner=squatter
    )
    appeal = AccountAppeal.objects.create(
        reason=AppealReason.NUMBER_TAKEN,
        document_type="resident_id",
        document_number=face.number,
        full_name=face.name,
        new_mobile="13612349999",
        client_ip="127.0.0.1",
        department=appeal_department(document_type="resident_id", document_number=face.number),
    )
    for kind in IdentityPhotoKind:
        content = photo_of(face) if kind == IdentityPhotoKind.FRONT else jpeg_bytes(320, 200)
        photo = store_identity_photo(upload=_jpeg(content), kind=kind, upload_session="")
        photo.appeal = appeal
        photo.save(update_fields=["appeal"])
    html = reviewer_for("630000").get(reverse("review:appeal_detail", args=[appeal.uuid])).content.decode()
    assert html.count("证件照片自动识别") == 2
    assert "姓名、证件号码与申诉填写一致" in html
    # The account's own photo is of another person's card: both name and number differ from the account.
    assert "姓名、证件号码与账号信息不一致" in html
    assert rows(html, "姓名") == [
        f"{face.name} 一致申诉填写：{face.name}",
        f"{squatter_face.name} 不一致账号信息：王小明",
    ]
