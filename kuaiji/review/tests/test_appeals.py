"""Account appeals decided by staff of the department covering the person: only within scope, with the
photos side by side; granting a taken number gives the appellant the number (the other account is closed
and signed out), granting a lost phone binds the new mobile; a refusal needs a reason; all audited."""

import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

import pytest

from kuaiji.accounts.constants import AppealReason, AppealStatus, IdentityPhotoKind
from kuaiji.accounts.models import AccountAppeal, User, UserSession
from kuaiji.accounts.services import appeal_department, store_identity_photo
from kuaiji.accounts.sms import read_outbox
from kuaiji.accounts.tests.factories import PASSWORD, ApplicantFactory
from kuaiji.accounts.tests.helpers import jpeg_bytes
from kuaiji.audit.models import AuditEvent
from kuaiji.core.fakes import fake_resident_id


def file_appeal(*, reason, document_number, full_name="郑雨桐", mobile="13612349999"):
    appeal = AccountAppeal.objects.create(
        reason=reason,
        document_type="resident_id",
        document_number=document_number,
        full_name=full_name,
        new_mobile=mobile,
        client_ip="127.0.0.1",
        department=appeal_department(document_type="resident_id", document_number=document_number),
    )
    for kind in IdentityPhotoKind:
        photo = store_identity_photo(
            upload=SimpleUploadedFile(f"{kind}.jpg", jpeg_bytes(320, 200), content_type="image/jpeg"),
            kind=kind,
            upload_session="",
        )
        photo.appeal = appeal
        photo.save(update_fields=["appeal"])
    return appeal


def signed_in(user) -> Client:
    client = Client()
    response = client.post("/sign-in/", {"login": user.document_number, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_granting_a_taken_number_moves_it_to_the_appellant(reviewer_for, departments):
    number = fake_resident_id(rng=random.Random(9), region_code="630102")
    squatter = ApplicantFactory(document_number=number)
    squatter_client = signed_in(squatter)
    appeal = file_appeal(reason=AppealReason.NUMBER_TAKEN, document_number=number)
    assert appeal.department == departments["630102"]

    city = reviewer_for("630100")
    page = city.get(reverse("review:appeal_detail", args=[appeal.uuid]))
    assert page.status_code == 200
    for photo in appeal.photos.all():
        url = reverse("review:appeal_photo", args=[appeal.uuid, photo.uuid])
        assert url in page.content.decode()
        assert city.get(url).status_code == 200

    response = city.post(reverse("review:appeal_decide", args=[appeal.uuid]), {"outcome": "grant"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.GRANTED
    squatter.refresh_from_db()
    assert not squatter.is_active and squatter.document_number != number
    assert not UserSession.objects.filter(user=squatter).exists()
    assert squatter_client.get(reverse("accounts:account")).status_code == 302  # signed out
    appellant = User.objects.get(document_number=number)
    assert appellant.mobile == "13612349999" and not appellant.has_usable_password()
    assert AuditEvent.objects.filter(action="appeal.granted", actor=city.staff).exists()
    assert any(m["mobile"] == "13612349999" and "忘记密码" in m["text"] for m in read_outbox())


@pytest.mark.django_db
def test_granting_a_lost_phone_binds_the_new_mobile(reviewer_for):
    number = fake_resident_id(rng=random.Random(10), region_code="630102")
    person = ApplicantFactory(document_number=number, mobile="13712340001")
    holder_of_new = ApplicantFactory(mobile="13612349999")
    appeal = file_appeal(reason=AppealReason.PHONE_LOST, document_number=number)
    reviewer_for("630102").post(reverse("review:appeal_decide", args=[appeal.uuid]), {"outcome": "grant"})
    person.refresh_from_db()
    holder_of_new.refresh_from_db()
    assert person.mobile == "13612349999"
    assert holder_of_new.mobile == ""


@pytest.mark.django_db
def test_refusal_needs_a_reason_and_scope_is_enforced(reviewer_for):
    number = fake_resident_id(rng=random.Random(11), region_code="630102")
    appeal = file_appeal(reason=AppealReason.PHONE_LOST, document_number=number)
    other_region = reviewer_for("632801")
    assert other_region.get(reverse("review:appeal_detail", args=[appeal.uuid])).status_code == 404
    assert (
        other_region.post(
            reverse("review:appeal_decide", args=[appeal.uuid]), {"outcome": "grant"}
        ).status_code
        == 404
    )
    own = reviewer_for("630102")
    own.post(reverse("review:appeal_decide", args=[appeal.uuid]), {"outcome": "refuse", "reason": ""})
    assert AccountAppeal.objects.get(pk=appeal.pk).status == AppealStatus.PENDING
    own.post(
        reverse("review:appeal_decide", args=[appeal.uuid]), {"outcome": "refuse", "reason": "照片与证件不符"}
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REFUSED and appeal.decision_reason == "照片与证件不符"
