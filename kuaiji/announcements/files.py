"""What a notice's attachment may be, decided by its bytes: PDF, Word (.doc, .docx), Excel (.xls, .xlsx),
ZIP and JPG/PNG images, each under KUAIJI_ANNOUNCEMENT_ATTACHMENT_MAX_BYTES.

The extension says which type the file claims to be; the first bytes (and, for the Office formats that
are ZIP archives, the archive's directory) must agree with it. An ``.exe`` renamed ``.pdf`` is refused.
The file is stored as uploaded (a PDF or a spreadsheet cannot be re-encoded the way an applicant's photo
is); it is only ever sent back as a download with ``nosniff`` and a sandboxing CSP (core.storage).
"""

import hashlib
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

PDF = b"%PDF-"
ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # an archive with entries; an empty one
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .doc and .xls
JPEG = b"\xff\xd8\xff"
PNG = b"\x89PNG\r\n\x1a\n"

ALLOWED_TYPES_TEXT = "PDF、Word（.doc、.docx）、Excel（.xls、.xlsx）、ZIP 压缩包或 JPG、PNG 图片"
ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.zip,.jpg,.jpeg,.png"
NAME_MAX = 100


def _zip_names(handle: IO[bytes]) -> set[str] | None:
    """The entry names of a ZIP archive (its central directory only: nothing is decompressed)."""
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None


def _is_pdf(head: bytes, handle: IO[bytes]) -> bool:
    return PDF in head[:1024]  # readers allow a little before the header


def _is_zip(head: bytes, handle: IO[bytes]) -> bool:
    return head.startswith(ZIP) and _zip_names(handle) is not None


def _is_docx(head: bytes, handle: IO[bytes]) -> bool:
    return head.startswith(ZIP) and "word/document.xml" in (_zip_names(handle) or set())


def _is_xlsx(head: bytes, handle: IO[bytes]) -> bool:
    return head.startswith(ZIP) and "xl/workbook.xml" in (_zip_names(handle) or set())


def _is_ole2(head: bytes, handle: IO[bytes]) -> bool:
    return head.startswith(OLE2)


def _is_jpeg(head: bytes, handle: IO[bytes]) -> bool:
    return head.startswith(JPEG)


def _is_png(head: bytes, handle: IO[bytes]) -> bool:
    return head.startswith(PNG)


@dataclass(frozen=True)
class FileType:
    label: str  # said in a refusal: “不是真正的 PDF 文件”
    content_type: str
    matches: Callable[[bytes, IO[bytes]], bool]


TYPES: dict[str, FileType] = {
    ".pdf": FileType("PDF", "application/pdf", _is_pdf),
    ".docx": FileType(
        "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _is_docx
    ),
    ".doc": FileType("Word", "application/msword", _is_ole2),
    ".xlsx": FileType("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _is_xlsx),
    ".xls": FileType("Excel", "application/vnd.ms-excel", _is_ole2),
    ".zip": FileType("ZIP", "application/zip", _is_zip),
    ".jpg": FileType("JPG", "image/jpeg", _is_jpeg),
    ".jpeg": FileType("JPG", "image/jpeg", _is_jpeg),
    ".png": FileType("PNG", "image/png", _is_png),
}


@dataclass(frozen=True)
class CheckedUpload:
    """An upload whose type and size were checked; only :func:`check_upload` makes one."""

    handle: UploadedFile
    name: str  # the name it is downloaded under
    extension: str
    content_type: str
    size: int
    sha256: str


def display_name(raw: str) -> str:
    """The uploaded file's name as it may be shown and sent back: no folder (a browser may send
    ``C:\\…\\x.pdf``), no control or format characters, no quotes, at most ``NAME_MAX`` characters with
    the extension kept."""
    name = unicodedata.normalize("NFC", raw.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(
        char for char in name if unicodedata.category(char) not in ("Cc", "Cf") and char not in '"<>'
    ).strip(" .")
    suffix = PurePosixPath(name).suffix
    if len(name) > NAME_MAX:
        name = name[: NAME_MAX - len(suffix)] + suffix
    return name


def check_upload(upload: UploadedFile, *, max_bytes: int | None = None) -> CheckedUpload:
    """Check one upload. Raises ValidationError with a Chinese message that names the file."""
    max_bytes = max_bytes or settings.KUAIJI_ANNOUNCEMENT_ATTACHMENT_MAX_BYTES
    name = display_name(upload.name or "")
    extension = PurePosixPath(name).suffix.lower()
    shown = name or "附件"
    file_type = TYPES.get(extension)
    if file_type is None:
        raise ValidationError(
            f"“{shown}”不是可以上传的文件类型：请上传 {ALLOWED_TYPES_TEXT}", code="extension"
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError(f"“{shown}”是空文件，请重新选择", code="empty")
    if size > max_bytes:
        raise ValidationError(
            f"“{shown}”超过 {max_bytes // (1024 * 1024)} MB，请压缩或拆分后再上传", code="size"
        )
    upload.seek(0)
    head = upload.read(1024)
    if not file_type.matches(head, upload):
        raise ValidationError(
            f"“{shown}”的内容不是真正的 {file_type.label} 文件（与扩展名 {extension} 不符），请检查后重新选择",
            code="content",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for block in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(block)
    upload.seek(0)
    return CheckedUpload(
        handle=upload,
        name=name,
        extension=".jpg" if extension == ".jpeg" else extension,
        content_type=file_type.content_type,
        size=size,
        sha256=digest.hexdigest(),
    )
