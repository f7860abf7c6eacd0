"""Private file storage: where uploads are stored, and how they are sent back.

Files live in the default storage, which has no public URL (a folder under var/files, or a private S3
bucket). They reach a browser only through :func:`private_file_response`, from a view that has
already checked who may see the file.
"""

import logging
import mimetypes
import re
import uuid
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, default_storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils import timezone

from kuaiji.core.images import CleanImage

# Our own map first: the system's mime.types differs between machines.
_CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".zip": "application/zip",
    ".csv": "text/csv",
}
# Only images we re-encoded ourselves are shown inline, in our own pages.
_INLINE_CONTENT_TYPES = {"image/jpeg", "image/png"}
logger = logging.getLogger(__name__)
_EXTENSION = re.compile(r"\.[a-z0-9]{1,10}")


def private_upload_path(prefix: str, extension: str, *, now: datetime | None = None) -> str:
    """A new, unguessable name: ``<prefix>/<yyyy>/<mm>/<uuid4 hex><extension>``.

    ``now`` (aware; default: now) picks the month, in the site's time zone. ``prefix`` is a fixed folder chosen by the caller
    (for example ``"attachments"``), never user input; a prefix or extension that could escape the
    folder raises ``ValueError``.
    """
    folder = prefix.strip("/")
    if not folder or any(part in ("", ".", "..") for part in folder.split("/")):
        raise ValueError(f"Unsafe storage prefix: {prefix!r}")
    extension = extension.lower()
    if not _EXTENSION.fullmatch(extension):
        raise ValueError(f"Unsafe file extension: {extension!r}")
    moment = timezone.localtime(now or timezone.now())
    return f"{folder}/{moment:%Y}/{moment:%m}/{uuid.uuid4().hex}{extension}"


# Said next to the upload when the storage cannot take the file (its endpoint down, the disk full).
STORAGE_UNAVAILABLE_MESSAGE = "文件存储服务暂时不可用，这张图片没有保存。请稍后重新上传。"


class StorageUnavailable(Exception):
    """The file storage did not answer (not: the file is not there). The error handler answers 503."""


def _storage_errors() -> tuple[type[BaseException], ...]:
    """What a storage raises when it cannot be reached: OSError (a folder), botocore's errors (S3)."""
    errors: list[type[BaseException]] = [OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]
    except ImportError:  # the deploy extra (django-storages, boto3) is not installed
        pass
    else:
        errors += [BotoCoreError, ClientError]
    return tuple(errors)


FILE_STORAGE_UNAVAILABLE_MESSAGE = "文件存储服务暂时不可用，文件没有保存。请稍后重试。"


def save_private_file(content: Any, *, prefix: str, extension: str) -> str:
    """Store ``content`` (a binary file object) under a new private name in the default storage and
    return that name. A storage that cannot take it raises ValidationError (``storage_unavailable``);
    nothing is left behind."""
    name = private_upload_path(prefix, extension)
    try:
        return default_storage.save(name, File(content))
    except _storage_errors() as error:
        logger.warning("storage: saving a file failed (%s)", type(error).__name__)
        delete_stored_file(name)
        raise ValidationError(FILE_STORAGE_UNAVAILABLE_MESSAGE, code="storage_unavailable") from error


def save_clean_image(image: CleanImage, *, prefix: str) -> str:
    """Store a cleaned image under a new private name in the default storage and return that name.

    A storage that cannot take it raises ValidationError (``storage_unavailable``), which the upload
    forms and the API show next to the slot like any refused upload: nothing was stored, no row is
    written."""
    name = private_upload_path(prefix, image.extension)
    try:
        return default_storage.save(name, ContentFile(image.content))
    except _storage_errors() as error:
        logger.warning("storage: saving an upload failed (%s)", type(error).__name__)
        delete_stored_file(name)  # a partial object, if the storage got that far
        raise ValidationError(STORAGE_UNAVAILABLE_MESSAGE, code="storage_unavailable") from error


def private_file_response(
    field_file_or_name: FieldFile | str, *, download_name: str, inline: bool = False
) -> FileResponse:
    """Stream a stored file to the browser, with headers that stop it being run or cached.

    The caller has checked permission. The file is sent as an attachment named ``download_name``
    unless ``inline`` is set, which only JPEG and PNG files may use (``ValueError`` otherwise).
    The content type comes from the stored name's extension, never from the upload; the response
    forbids sniffing, caching, and (through a sandboxing ``Content-Security-Policy``) running
    anything even if the file is opened directly. A missing file raises ``Http404``.
    """
    storage, name = _storage_and_name(field_file_or_name)
    if not name:
        raise Http404("No file")
    content_type = _content_type(name)
    if inline and content_type not in _INLINE_CONTENT_TYPES:
        raise ValueError(f"Only images may be shown inline, not {content_type}")
    try:
        stored = storage.open(name, "rb")
    except FileNotFoundError as error:
        raise Http404("File not found") from error
    except _storage_errors() as error:  # the storage is down: 503 (core.views.server_error), not 500
        raise StorageUnavailable(type(error).__name__) from error
    response = FileResponse(
        stored, as_attachment=not inline, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Set here, so django-csp's middleware (which keeps an existing header) leaves it alone.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def read_stored_file(name: str) -> bytes:
    """The bytes of a file in the default storage (for the worker's tasks); raises FileNotFoundError or
    the storage's own error."""
    with default_storage.open(name, "rb") as stored:
        return stored.read()


def delete_stored_file(name: str) -> None:
    """Delete a stored file; a file that is already gone (or an empty name) is not an error."""
    if not name:
        return
    try:
        default_storage.delete(name)
    except FileNotFoundError:
        pass
    except _storage_errors() as error:  # left behind: check_consistency reports it as an orphan
        logger.warning("storage: deleting %s failed (%s)", name, type(error).__name__)


def _storage_and_name(field_file_or_name: FieldFile | str) -> tuple[Storage, str]:
    if isinstance(field_file_or_name, FieldFile):
        return field_file_or_name.storage, field_file_or_name.name or ""
    return default_storage, field_file_or_name


def _content_type(name: str) -> str:
    guessed, _encoding = mimetypes.guess_type(name)
    return _CONTENT_TYPES.get(PurePosixPath(name).suffix.lower()) or guessed or "application/octet-stream"
