"""Private file storage: where uploads are stored, and how they are sent back.

Files live in the default storage, which has no public URL (a folder under var/files, or a private S3
bucket). They reach a browser only through :func:`private_file_response`, from a view that has
already checked who may see the file.
"""

import mimetypes
import re
import uuid
from contextlib import suppress
from datetime import datetime
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
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
    ".csv": "text/csv",
}
# Only images we re-encoded ourselves are shown inline, in our own pages.
_INLINE_CONTENT_TYPES = {"image/jpeg", "image/png"}
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


def save_clean_image(image: CleanImage, *, prefix: str) -> str:
    """Store a cleaned image under a new private name in the default storage and return that name."""
    name = private_upload_path(prefix, image.extension)
    return default_storage.save(name, ContentFile(image.content))


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
    response = FileResponse(
        stored, as_attachment=not inline, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Set here, so django-csp's middleware (which keeps an existing header) leaves it alone.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def delete_stored_file(name: str) -> None:
    """Delete a stored file; a file that is already gone (or an empty name) is not an error."""
    if not name:
        return
    with suppress(FileNotFoundError):
        default_storage.delete(name)


def _storage_and_name(field_file_or_name: FieldFile | str) -> tuple[Storage, str]:
    if isinstance(field_file_or_name, FieldFile):
        return field_file_or_name.storage, field_file_or_name.name or ""
    return default_storage, field_file_or_name


def _content_type(name: str) -> str:
    guessed, _encoding = mimetypes.guess_type(name)
    return _CONTENT_TYPES.get(PurePosixPath(name).suffix.lower()) or guessed or "application/octet-stream"
