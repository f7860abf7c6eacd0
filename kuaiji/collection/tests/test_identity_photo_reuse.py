"""The registration's ID-card photos are not asked for again (defect 13).

Requirements covered:
- starting the collection from the page puts the registration's front and back photos into the
  身份证件人像面 / 国徽面 slots (so the slots are done and the reviewer sees them there);
- the attachment is its own copy: deleting it (the way to replace it) keeps the registration's photo;
- a slot that already has a file is left alone.
"""

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from kuaiji.accounts.constants import IdentityPhotoKind
from kuaiji.accounts.services import store_identity_photo
from kuaiji.accounts.tests.helpers import jpeg_bytes
from kuaiji.collection import services
from kuaiji.collection.identity_photos import reuse_identity_photos
from kuaiji.collection.models import Attachment

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
