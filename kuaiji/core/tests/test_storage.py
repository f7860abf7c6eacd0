"""Uploads are kept in private storage and sent back only with defensive headers.

Requirements covered:
- stored names follow ``<prefix>/<yyyy>/<mm>/<uuid4 hex><ext>`` (month in the site's time zone) and
  cannot escape their folder;
- a cleaned image is saved to the default (private) storage and reads back byte for byte;
- a file is sent as an attachment by default, inline only for JPEG/PNG, with its content type taken
  from the stored extension, ``nosniff``, ``private, no-store`` and a sandboxing CSP;
- a missing file gives 404, and deleting a missing file is not an error.
The root conftest points the default storage at a per-test folder.
"""

import io
import re
from datetime import UTC, datetime

from django.core.files.storage import default_storage
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import Http404

import pytest
from PIL import Image

from kuaiji.core.images import clean_image_upload
from kuaiji.core.storage import (
    delete_stored_file,
    private_file_response,
    private_upload_path,
    save_clean_image,
)


@pytest.fixture
def clean_jpeg():
    output = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(output, "JPEG")
    output.seek(0)
    output.size = len(output.getvalue())
    return clean_image_upload(output)


def streamed(response) -> bytes:
    """The body, read to the end; the stored file is closed as a server would close the response
    (without response.close(), whose request_finished signal would touch the database)."""
    try:
        return b"".join(response.streaming_content)
    finally:
        for closable in response._resource_closers:
            closable()


def test_upload_path_layout():
    # 17:30 UTC on 31 January is already 1 February in Asia/Shanghai.
    name = private_upload_path("attachments", ".JPG", now=datetime(2025, 1, 31, 17, 30, tzinfo=UTC))

    assert re.fullmatch(r"attachments/2025/02/[0-9a-f]{32}\.jpg", name)


def test_upload_paths_are_unique():
    assert private_upload_path("photos", ".png") != private_upload_path("photos", ".png")


@pytest.mark.parametrize(
    ("prefix", "extension"),
    [("", ".jpg"), ("../etc", ".jpg"), ("photos/../..", ".jpg"), ("photos", "jpg"), ("photos", ".j/pg")],
)
def test_unsafe_prefix_or_extension_is_rejected(prefix, extension):
    with pytest.raises(ValueError):
        private_upload_path(prefix, extension)


def test_saved_image_reads_back_unchanged(clean_jpeg):
    name = save_clean_image(clean_jpeg, prefix="photos")

    assert re.fullmatch(r"photos/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", name)
    with default_storage.open(name, "rb") as stored:
        assert stored.read() == clean_jpeg.content


def test_file_is_sent_as_attachment_with_defensive_headers(clean_jpeg):
    name = save_clean_image(clean_jpeg, prefix="photos")

    response = private_file_response(name, download_name="证件照.jpg")

    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E8%AF%81%E4%BB%B6%E7%85%A7.jpg" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert streamed(response) == clean_jpeg.content


def test_image_may_be_shown_inline(clean_jpeg):
    name = save_clean_image(clean_jpeg, prefix="photos")

    response = private_file_response(name, download_name="photo.jpg", inline=True)

    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    streamed(response)


def test_field_file_is_read_from_its_own_storage(clean_jpeg):
    name = save_clean_image(clean_jpeg, prefix="photos")
    field_file = FieldFile(None, models.FileField(storage=default_storage), name)

    response = private_file_response(field_file, download_name="photo.jpg")

    assert streamed(response) == clean_jpeg.content


def test_empty_field_file_is_404():
    with pytest.raises(Http404):
        private_file_response(FieldFile(None, models.FileField(), None), download_name="photo.jpg")


def test_content_type_comes_from_the_stored_extension():
    name = default_storage.save("exports/2025/01/report.pdf", io.BytesIO(b"%PDF-1.4"))

    response = private_file_response(name, download_name="report.pdf")

    assert response["Content-Type"] == "application/pdf"
    streamed(response)
    with pytest.raises(ValueError):
        private_file_response(name, download_name="report.pdf", inline=True)


def test_unknown_extension_is_sent_as_octet_stream():
    name = default_storage.save("exports/2025/01/data.unknownext", io.BytesIO(b"<html>"))

    response = private_file_response(name, download_name="data")

    assert response["Content-Type"] == "application/octet-stream"
    streamed(response)


def test_missing_file_is_404():
    with pytest.raises(Http404):
        private_file_response("photos/2025/01/missing.jpg", download_name="photo.jpg")


def test_delete_removes_the_file_and_tolerates_a_missing_one(clean_jpeg):
    name = save_clean_image(clean_jpeg, prefix="photos")

    delete_stored_file(name)
    delete_stored_file(name)
    delete_stored_file("")

    assert not default_storage.exists(name)
