"""Phone photos (defect 9): a photo straight from a phone camera, larger than 4 MB, is accepted up to
the byte cap; the pixel cap still refuses a decompression bomb; the pages state the real cap."""

import io

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from PIL import Image

from kuaiji.core.images import MEGABYTE, clean_image_upload


def phone_photo(min_bytes: int) -> SimpleUploadedFile:
    """A noisy 12-megapixel JPEG at high quality, as a phone writes it."""
    buffer = io.BytesIO()
    Image.effect_noise((4000, 3000), 40).convert("RGB").save(buffer, "JPEG", quality=92)
    data = buffer.getvalue()
    assert len(data) >= min_bytes
    return SimpleUploadedFile("IMG_0001.jpg", data, content_type="image/jpeg")


def test_a_six_megabyte_phone_photo_is_accepted():
    upload = phone_photo(6 * MEGABYTE)

    image = clean_image_upload(upload)

    assert (image.width, image.height) == (4000, 3000)


def test_the_byte_cap_leaves_room_for_phone_photos():
    assert settings.KUAIJI_IMAGE_MAX_BYTES >= 10 * MEGABYTE
    assert settings.KUAIJI_IMAGE_MAX_PIXELS >= 4000 * 3000


@pytest.mark.django_db
def test_the_attachment_page_states_the_real_cap(client, departments):
    from kuaiji.accounts.tests.factories import ApplicantFactory
    from kuaiji.collection import services

    applicant = ApplicantFactory()
    client.force_login(applicant)
    services.start_collection(applicant)

    page = client.get(reverse("collection:attachments")).content.decode()

    assert f"每张不超过 {settings.KUAIJI_IMAGE_MAX_BYTES // MEGABYTE} MB" in page
    assert "4 MB" not in page or settings.KUAIJI_IMAGE_MAX_BYTES == 4 * MEGABYTE
