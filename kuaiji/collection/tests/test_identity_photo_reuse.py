"""The registration's ID-card photos are not asked for again (defect 13).

Requirements covered:
- starting the collection from the page puts the registration's front and back photos into the
  身份证件人像面 / 国徽面 slots (so the slots are done and the reviewer sees them there);
- the attachment is its own copy: deleting it (the way to replace it) keeps the registration's photo;
- a slot that already has a file is left alone;
- the photos are put in once, when the submission is created (``start_collection``, which the page's
  开始 and the API's ``POST /me/submission`` both call): one the person removed or replaced does not
  come back when 开始 is pressed again;
- the attachments page marks the reused photo and offers 删除, after which the upload form is back;
- the reviewer sees whatever is in the slot (the reused photo, marked, or its replacement).
"""

import json

from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

import pytest

from kuaiji.accounts.constants import IdentityPhotoKind, StaffRole
from kuaiji.accounts.services import store_identity_photo
from kuaiji.accounts.tests.factories import PASSWORD, ApplicantFactory, StaffFactory, sign_in_staff
from kuaiji.accounts.tests.helpers import jpeg_bytes
from kuaiji.collection import services
from kuaiji.collection.identity_photos import reuse_identity_photos
from kuaiji.collection.models import Attachment
from kuaiji.collection.tests import helpers
from kuaiji.collection.tests.factories import SubmissionFactory, fill

pytestmark = pytest.mark.django_db


def registration_photo(owner, kind):
    upload = SimpleUploadedFile(f"{kind}.jpg", jpeg_bytes(320, 200), content_type="image/jpeg")
    return store_identity_photo(upload=upload, kind=kind, upload_session="s", owner=owner)


def test_starting_the_collection_reuses_the_registration_photos(applicant_client):
    applicant = applicant_client.applicant
    front = registration_photo(applicant, IdentityPhotoKind.FRONT)
    registration_photo(applicant, IdentityPhotoKind.BACK)

    applicant_client.post(reverse("collection:start"))

    submission = services.open_submission(applicant)
    assert set(submission.attachments.values_list("slot", flat=True)) >= {"id_front", "id_back"}
    assert not {r.slot for r in services.missing_attachments(submission)} & {"id_front", "id_back"}
    copy = submission.attachments.get(slot="id_front")
    assert copy.file.name != front.file.name and copy.sha256 == front.sha256

    applicant_client.post(reverse("collection:delete_attachment", args=[copy.uuid]))
    assert not Attachment.objects.filter(pk=copy.pk).exists()
    assert default_storage.exists(front.file.name)


def test_a_slot_with_a_file_is_left_alone(applicant_client):
    applicant = applicant_client.applicant
    registration_photo(applicant, IdentityPhotoKind.FRONT)
    submission = services.start_collection(applicant)
    reuse_identity_photos(submission)

    assert reuse_identity_photos(submission) == []
    assert submission.attachments.filter(slot="id_front").count() == 1


def test_a_removed_photo_does_not_come_back_when_start_is_pressed_again(applicant_client):
    applicant = applicant_client.applicant
    registration_photo(applicant, IdentityPhotoKind.FRONT)
    applicant_client.post(reverse("collection:start"))
    submission = services.open_submission(applicant)
    reused = submission.attachments.get(slot="id_front")

    applicant_client.post(reverse("collection:delete_attachment", args=[reused.uuid]))
    applicant_client.post(reverse("collection:start"))  # the back button, a second tab, a double tap

    assert not submission.attachments.filter(slot="id_front").exists()
    assert services.start_collection(applicant) == submission
    assert not submission.attachments.filter(slot="id_front").exists()


def test_a_replaced_photo_is_kept_when_start_is_pressed_again(applicant_client):
    applicant = applicant_client.applicant
    registration_photo(applicant, IdentityPhotoKind.FRONT)
    applicant_client.post(reverse("collection:start"))
    submission = services.open_submission(applicant)
    reused = submission.attachments.get(slot="id_front")
    assert reused.from_registration

    applicant_client.post(reverse("collection:delete_attachment", args=[reused.uuid]))
    replacement = helpers.image_upload(name="new-front.jpg", size=(400, 260), color=(30, 90, 160))
    applicant_client.post(reverse("collection:upload_attachment", args=["id_front"]), {"files": replacement})
    applicant_client.post(reverse("collection:start"))

    [kept] = submission.attachments.filter(slot="id_front")
    assert kept.pk != reused.pk and kept.sha256 != reused.sha256 and not kept.from_registration


def test_the_attachments_page_shows_the_reused_photo_and_a_way_to_replace_it(applicant_client):
    applicant = applicant_client.applicant
    registration_photo(applicant, IdentityPhotoKind.FRONT)
    applicant_client.post(reverse("collection:start"))
    reused = services.open_submission(applicant).attachments.get(slot="id_front")

    page = applicant_client.get(reverse("collection:attachments")).content.decode()
    slot = page[page.index('id="slot-id_front"') : page.index('id="slot-id_back"')]
    assert reverse("collection:attachment_file", args=[reused.uuid]) in slot
    assert "注册时上传" in slot
    assert reverse("collection:delete_attachment", args=[reused.uuid]) in slot
    assert 'name="files"' not in slot  # one image: the upload form comes back once it is deleted

    applicant_client.post(reverse("collection:delete_attachment", args=[reused.uuid]))
    page = applicant_client.get(reverse("collection:attachments")).content.decode()
    slot = page[page.index('id="slot-id_front"') : page.index('id="slot-id_back"')]
    assert 'name="files"' in slot and "注册时上传" not in slot


@pytest.mark.parametrize("replace", [False, True], ids=["reused", "replaced"])
def test_the_reviewer_sees_what_is_in_the_slot(replace, departments):
    applicant = ApplicantFactory()
    front = registration_photo(applicant, IdentityPhotoKind.FRONT)
    submission = SubmissionFactory.create(draft=True, applicant=applicant)
    reused = submission.attachments.get(slot="id_front")
    if replace:
        services.remove_attachment(submission, attachment=reused)
        upload = helpers.image_upload(name="new-front.jpg", size=(400, 260), color=(30, 90, 160))
        services.add_attachment(submission, slot="id_front", upload=upload)
    fill(submission, department_id=departments["630102"].pk, sections={})
    helpers.re_sign_submission(submission)
    submission = services.submit(submission, expected_version=submission.version, commitment_accepted=True)
    [in_slot] = submission.revisions.get().attachments.filter(slot="id_front")
    assert (in_slot.sha256 == front.sha256) is not replace

    staff = StaffFactory(department=departments["630000"])  # the province sees every department
    staff.groups.add(Group.objects.get_or_create(name=StaffRole.REVIEWER)[0])
    reviewer = Client()
    sign_in_staff(reviewer, staff)
    page = reviewer.get(reverse("review:detail", args=[submission.uuid])).content.decode()
    assert reverse("review:attachment_file", args=[submission.uuid, in_slot.uuid]) in page
    assert ("注册时上传" in page) is not replace
    if replace:
        assert str(reused.uuid) not in page


# --- through the API -------------------------------------------------------------------------------------


def api_token(client, applicant) -> dict:
    response = client.post(
        "/api/v1/tokens",
        json.dumps({"login": applicant.document_number, "password": PASSWORD}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def api_files(client, auth) -> list[dict]:
    response = client.get("/api/v1/me/submission/attachments", **auth)
    assert response.status_code == 200, response.content
    return response.json()["files"]


def test_the_api_start_reuses_the_photos_once(client, departments):
    applicant = ApplicantFactory()
    front = registration_photo(applicant, IdentityPhotoKind.FRONT)
    auth = api_token(client, applicant)

    assert client.post("/api/v1/me/submission", **auth).status_code == 201
    [reused] = [item for item in api_files(client, auth) if item["slot"] == "id_front"]
    assert reused["from_registration"] is True
    attachment = Attachment.objects.get(uuid=reused["uuid"])
    assert attachment.sha256 == front.sha256 and attachment.file.name != front.file.name

    assert client.delete(f"/api/v1/me/submission/attachments/{reused['uuid']}", **auth).status_code == 204
    assert client.post("/api/v1/me/submission", **auth).status_code == 201
    assert not [item for item in api_files(client, auth) if item["slot"] == "id_front"]
    assert default_storage.exists(front.file.name)


def test_a_registration_photo_without_its_file_leaves_the_slot_empty(applicant_client):
    applicant = applicant_client.applicant
    front = registration_photo(applicant, IdentityPhotoKind.FRONT)
    default_storage.delete(front.file.name)

    response = applicant_client.post(reverse("collection:start"))

    assert response.status_code == 302
    submission = services.open_submission(applicant)
    assert not submission.attachments.filter(slot="id_front").exists()
