"""Attachments: which ones the answers need, and how uploads are checked, stored and removed.

Requirements covered:
- ``required_attachments`` follows the answers: with no qualification, post or abacus level only the
  ID card (both sides), the education certificate and the signed basic information form; with all
  three, their certificates / appointment document too; a lost certificate asks for the unit's proof
  of education (with its template) instead of the certificate;
- the list is ``KUAIJI_ATTACHMENT_SLOTS`` from settings: a province that drops a slot or adds one gets
  its own list, and uploads follow it (the dropped slot is refused, the added one accepted);
- uploads: only JPEG and PNG, judged by content (a PDF renamed .jpg is refused), re-encoded (no EXIF;
  the stored bytes are not the uploaded ones), at most ``max_files`` per slot, and a slot the answers
  do not need is refused; through the page, a refused upload stores nothing;
- a failed upload leaves no orphan file (the database row could not be written → the file is gone);
- a deleted or replaced attachment is removed from storage when no revision refers to it; a file a
  submitted revision points at survives deletion from a later draft (submit → withdraw → delete: the
  file is still there and the revision still lists it); replacing the 1-inch photo removes the old one.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from PIL import Image

from kuaiji.collection import services
from kuaiji.collection.attachments import required_attachments
from kuaiji.collection.models import Attachment
from kuaiji.core.portraits import normalise_portrait

from . import helpers
from .conftest import small_image, stored_files

ALWAYS = ["id_front", "id_back", "education_certificate", "basic_info_form"]


def answers(*, qualification=None, accounting_post="none", abacus_level="none", certificate_lost=False):
    return {
        "education": {"certificate_lost": certificate_lost},
        "qualification": {
            "qualification_level": qualification or "none",
            "accounting_post": accounting_post,
            "abacus_level": abacus_level,
        },
    }


def slots(answers_: dict) -> list[str]:
    return [requirement.slot for requirement in required_attachments(answers_)]


# --- which slots --------------------------------------------------------------------------------------------


def test_no_qualification_post_or_abacus_needs_only_the_basics():
    assert slots(answers()) == ALWAYS
    assert slots({}) == ALWAYS  # nothing answered yet: the same basics


def test_all_three_add_their_certificates_in_order():
    assert slots(answers(qualification="intermediate", accounting_post="accountant", abacus_level="3")) == [
        "id_front",
        "id_back",
        "education_certificate",
        "qualification_certificate",
        "appointment_document",
        "abacus_certificate",
        "basic_info_form",
    ]


@pytest.mark.parametrize(
    ("options", "extra"),
    [
        ({"qualification": "junior"}, "qualification_certificate"),
        ({"accounting_post": "clerk"}, "appointment_document"),
        ({"abacus_level": "expert"}, "abacus_certificate"),
    ],
)
def test_each_answer_adds_only_its_own_slot(options, extra):
    assert set(slots(answers(**options))) - set(ALWAYS) == {extra}


def test_a_lost_certificate_asks_for_the_proof_of_education_instead():
    requirements = required_attachments(answers(certificate_lost=True))

    names = [requirement.slot for requirement in requirements]
    assert "education_certificate" not in names
    assert names == ["id_front", "id_back", "education_proof", "basic_info_form"]
    proof = requirements[2]
    assert proof.label == "单位出具的学历证明"
    assert proof.template
    assert "遗失" in proof.reason


def test_each_requirement_carries_its_label_reason_and_limit(settings):
    by_slot = {item["slot"]: item for item in settings.KUAIJI_ATTACHMENT_SLOTS}
    for requirement in required_attachments(answers(qualification="junior")):
        configured = by_slot[requirement.slot]
        assert (requirement.label, requirement.reason) == (configured["label"], configured["reason"])
        assert requirement.max_files == configured.get("max_files", 5)


def test_the_list_follows_the_settings_of_the_province(settings):
    household = {
        "slot": "household_register",
        "label": "户口簿本人页",
        "when": "always",
        "reason": "本省要求核对户籍",
        "max_files": 2,
    }
    settings.KUAIJI_ATTACHMENT_SLOTS = [
        household,
        *(item for item in settings.KUAIJI_ATTACHMENT_SLOTS if item["slot"] != "id_back"),
    ]

    requirements = required_attachments(answers())

    assert [r.slot for r in requirements] == [
        "household_register",
        "id_front",
        "education_certificate",
        "basic_info_form",
    ]
    assert requirements[0].label == "户口簿本人页" and requirements[0].max_files == 2


@pytest.mark.django_db
def test_uploads_follow_the_settings_too(settings, applicant_client):
    settings.KUAIJI_ATTACHMENT_SLOTS = [
        {"slot": "household_register", "label": "户口簿本人页", "when": "always", "reason": "户籍"},
        *(item for item in settings.KUAIJI_ATTACHMENT_SLOTS if item["slot"] != "id_back"),
    ]
    submission = services.start_collection(applicant_client.applicant)

    attachment = services.add_attachment(submission, slot="household_register", upload=small_image())
    with pytest.raises(ValidationError) as refused:
        services.add_attachment(submission, slot="id_back", upload=small_image())

    assert attachment.slot == "household_register"
    assert refused.value.code == "slot_not_required"


# --- uploads ------------------------------------------------------------------------------------------------


@pytest.fixture
def draft(applicant_client):
    return services.start_collection(applicant_client.applicant)


def test_a_renamed_pdf_is_refused_and_nothing_is_stored(draft, media):
    pdf = SimpleUploadedFile("身份证.jpg", b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF", content_type="image/jpeg")

    with pytest.raises(ValidationError) as refused:
        services.add_attachment(draft, slot="id_front", upload=pdf)

    assert refused.value.code == "image_format"
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_a_refused_upload_through_the_page_says_why(applicant_client, draft, media):
    gif = io.BytesIO()
    Image.new("RGB", (40, 30)).save(gif, "GIF")
    upload = SimpleUploadedFile("front.png", gif.getvalue(), content_type="image/png")

    response = applicant_client.post(
        reverse("collection:upload_attachment", args=["id_front"]), {"files": upload}, follow=True
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "front.png：" in page
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_a_jpeg_is_re_encoded_without_its_metadata(draft):
    exif = Image.Exif()
    exif[0x010F] = "FictionalPhone"  # Make
    exif[0x8825] = {2: (36.0, 37.0, 0.0)}  # GPS latitude
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 30).convert("RGB").save(buffer, "JPEG", exif=exif, comment=b"secret")
    uploaded = buffer.getvalue()

    attachment = services.add_attachment(
        draft, slot="id_front", upload=SimpleUploadedFile("front.jpg", uploaded, "image/jpeg")
    )

    with default_storage.open(attachment.file.name, "rb") as handle:
        stored = handle.read()
    assert stored != uploaded
    assert attachment.file.name.endswith(".jpg") and attachment.content_type == "image/jpeg"
    assert (attachment.width, attachment.height, attachment.size) == (400, 300, len(stored))
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "comment" not in image.info
    assert b"FictionalPhone" not in stored and b"secret" not in stored


def test_a_png_stays_a_png(draft):
    buffer = io.BytesIO()
    Image.new("RGBA", (120, 80), (10, 20, 30, 128)).save(buffer, "PNG")

    attachment = services.add_attachment(
        draft, slot="id_back", upload=SimpleUploadedFile("back.jpg", buffer.getvalue(), "image/jpeg")
    )

    assert attachment.content_type == "image/png"
    assert attachment.file.name.endswith(".png")


def test_no_more_than_max_files_per_slot(draft, settings):
    limit = next(i["max_files"] for i in settings.KUAIJI_ATTACHMENT_SLOTS if i["slot"] == "basic_info_form")
    for index in range(limit):
        services.add_attachment(draft, slot="basic_info_form", upload=small_image(f"{index}.jpg"))

    with pytest.raises(ValidationError) as refused:
        services.add_attachment(draft, slot="basic_info_form", upload=small_image())

    assert refused.value.code == "too_many_files"
    assert f"最多上传 {limit} 张" in refused.value.messages[0]
    assert draft.attachments.filter(slot="basic_info_form").count() == limit


@pytest.mark.parametrize("slot", ["qualification_certificate", "education_proof", "no_such_slot"])
def test_a_slot_the_answers_do_not_need_is_refused(draft, slot, media):
    with pytest.raises(ValidationError) as refused:
        services.add_attachment(draft, slot=slot, upload=small_image())

    assert refused.value.code == "slot_not_required"
    assert stored_files(media) == []


def test_a_slot_becomes_needed_once_the_answer_asks_for_it(draft):
    services.save_section(
        draft, section="qualification", data=helpers.QUALIFICATION_JUNIOR, expected_version=draft.version
    )

    attachment = services.add_attachment(draft, slot="qualification_certificate", upload=small_image())

    assert attachment.submission == draft


def test_a_failed_upload_leaves_no_orphan_file(draft, media, monkeypatch):
    def broken_create(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Attachment.objects, "create", broken_create)

    with pytest.raises(RuntimeError):
        services.add_attachment(draft, slot="id_front", upload=small_image())

    assert stored_files(media) == []


# --- removing files -----------------------------------------------------------------------------------------


def test_a_deleted_attachment_is_removed_from_storage(draft, media):
    attachment = services.add_attachment(draft, slot="id_front", upload=small_image())
    assert stored_files(media) == [attachment.file.name]

    services.remove_attachment(draft, attachment=attachment)

    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_a_replaced_attachment_through_the_pages_leaves_only_the_new_file(applicant_client, draft, media):
    client = applicant_client
    client.post(reverse("collection:upload_attachment", args=["id_front"]), {"files": small_image()})
    old = draft.attachments.get()

    client.post(reverse("collection:delete_attachment", args=[old.uuid]))
    client.post(reverse("collection:upload_attachment", args=["id_front"]), {"files": small_image()})

    new = draft.attachments.get()
    assert new.pk != old.pk
    assert stored_files(media) == [new.file.name]


def test_replacing_the_photo_removes_the_old_file(draft, media):
    first = services.set_portrait(draft, portrait=normalise_portrait(helpers.image_upload(size=(600, 800))))
    second = services.set_portrait(
        draft, portrait=normalise_portrait(helpers.image_upload(size=(700, 900), color=(1, 2, 3)))
    )

    assert services.portrait_of(draft) == second
    assert list(draft.attachments.filter(slot=services.PORTRAIT_SLOT)) == [second]
    assert not Attachment.objects.filter(pk=first.pk).exists()
    assert stored_files(media) == [second.file.name]


@pytest.mark.django_db
def test_a_file_a_submitted_revision_points_at_survives_deletion_from_the_draft(
    applicant_client, fill, media
):
    submission = fill(applicant_client.applicant)
    services.submit(submission, expected_version=submission.version, commitment_accepted=True)
    revision = submission.revisions.get()
    services.withdraw(submission)
    front = submission.attachments.get(slot="id_front")
    old_photo = services.portrait_of(submission)

    services.remove_attachment(submission, attachment=front)
    services.set_portrait(submission, portrait=normalise_portrait(helpers.image_upload(size=(700, 900))))

    files = stored_files(media)
    assert front.file.name in files and old_photo.file.name in files
    front.refresh_from_db()
    assert front.submission is None  # out of the draft
    assert set(revision.attachments.values_list("pk", flat=True)) >= {front.pk, old_photo.pk}
    assert not submission.attachments.filter(pk__in=[front.pk, old_photo.pk]).exists()
    # Files only the draft used are still removed.
    extra = services.add_attachment(submission, slot="id_front", upload=small_image())
    services.remove_attachment(submission, attachment=extra)
    assert extra.file.name not in stored_files(media)
    assert front.file.name in stored_files(media)


# --- where the pages go back to -----------------------------------------------------------------------------

OFF_SITE = [
    "//evil.example/x",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "http:evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_upload_and_delete_never_redirect_off_the_site(applicant_client, draft, media, target):
    client = applicant_client
    response = client.post(
        reverse("collection:upload_attachment", args=["id_front"]), {"files": small_image(), "next": target}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("collection:attachments"))

    attachment = draft.attachments.get()
    response = client.post(reverse("collection:delete_attachment", args=[attachment.uuid]), {"next": target})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("collection:attachments"))


def test_upload_goes_back_to_a_page_of_the_site(applicant_client, draft, media):
    response = applicant_client.post(
        reverse("collection:upload_attachment", args=["id_front"]),
        {"files": small_image(), "next": reverse("collection:basic_info_form")},
    )
    assert response["Location"].startswith(reverse("collection:basic_info_form"))
