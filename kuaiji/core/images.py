"""Turn an uploaded photo into a JPEG or PNG that is safe to store and to show back.

Every upload goes through :func:`clean_image_upload`: it checks the size before decoding, sniffs the
type from the bytes (the file name and the browser's content type are ignored), refuses decompression
bombs before any pixel is decoded, decodes the whole image, and re-encodes the pixels into a new file
that carries no metadata at all.
"""

import hashlib
import io
from dataclasses import dataclass
from typing import IO, Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from PIL import ExifTags, Image, ImageFile

MEGABYTE = 1024 * 1024

# The first bytes of each accepted format; anything else (PDF, SVG, GIF, HEIC, WebP…) is refused.
_SIGNATURES = {
    "JPEG": b"\xff\xd8\xff",
    "PNG": b"\x89PNG\r\n\x1a\n",
}
_CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png"}

# EXIF orientation → the transpose that makes the picture upright (the table ImageOps.exif_transpose
# uses). We apply it ourselves because exif_transpose also re-serialises the EXIF block, which raises
# TypeError/struct.error on odd but real phone EXIF (Pillow issues #6882, #7839, #8965), and we
# throw that block away anyway.
_ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class Upload(Protocol):
    """What we need from an upload: Django's ``UploadedFile`` or any file-like with a size and name."""

    size: int | None
    name: str | None

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded image: ``content`` holds only pixels, in ``format`` (``"JPEG"`` or ``"PNG"``)."""

    content: bytes
    format: str
    content_type: str
    extension: str
    width: int
    height: int
    size: int
    sha256: str


def clean_image_upload(
    upload: Upload | IO[bytes], *, max_bytes: int | None = None, max_pixels: int | None = None
) -> CleanImage:
    """Check an uploaded photo and return a clean copy, or raise ``ValidationError``.

    Limits default to ``KUAIJI_IMAGE_MAX_BYTES`` and ``KUAIJI_IMAGE_MAX_PIXELS``. The result is
    guaranteed to be a freshly encoded JPEG (quality 90, RGB or greyscale, no alpha) or optimised PNG
    of the same format as the upload, turned upright according to its EXIF orientation, with no EXIF,
    GPS, XMP, ICC profile, comment or text chunk and no bytes after the image data. Refusal codes, in
    the order they are checked: ``image_too_large``, ``image_empty``, ``image_format``,
    ``image_too_many_pixels``, ``image_corrupt``.
    """
    max_bytes = settings.KUAIJI_IMAGE_MAX_BYTES if max_bytes is None else max_bytes
    max_pixels = settings.KUAIJI_IMAGE_MAX_PIXELS if max_pixels is None else max_pixels
    data = _read_within_limit(upload, max_bytes)
    image_format = _sniff_format(data)
    decoded = _decode(data, image_format, max_pixels)
    upright = _upright_without_metadata(decoded, image_format)
    content = _encode(upright, image_format)
    return CleanImage(
        content=content,
        format=image_format,
        content_type=_CONTENT_TYPES[image_format],
        extension=_EXTENSIONS[image_format],
        width=upright.width,
        height=upright.height,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _read_within_limit(upload: Upload | IO[bytes], max_bytes: int) -> bytes:
    """The upload's bytes; the declared size is checked first, then the real one (it may lie)."""
    declared = getattr(upload, "size", None)
    if declared is not None and declared > max_bytes:
        raise _too_large(max_bytes)
    if hasattr(upload, "seek"):
        upload.seek(0)  # a form field may already have read it
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    if not data:
        raise ValidationError(_("图片文件是空的，请重新选择"), code="image_empty")
    return data


def _sniff_format(data: bytes) -> str:
    for image_format, signature in _SIGNATURES.items():
        if data.startswith(signature):
            return image_format
    raise ValidationError(_("只能上传 JPG 或 PNG 格式的图片"), code="image_format")


def _decode(data: bytes, image_format: str, max_pixels: int) -> Image.Image:
    """Read the header, check the pixel count, then decode every pixel."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Pillow would then fill a cut-off image with grey and call it valid.
        raise ImproperlyConfigured("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
    try:
        image = Image.open(io.BytesIO(data), formats=[image_format])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own limit (the warning only raises when warnings are turned into errors).
        raise _too_many_pixels(max_pixels) from error
    except Exception as error:
        # A malformed header raises UnidentifiedImageError, SyntaxError, ValueError, struct.error…
        raise _corrupt() from error
    if image.width * image.height > max_pixels:
        raise _too_many_pixels(max_pixels)
    try:
        image.load()
    except Exception as error:
        # Truncated or corrupt pixel data: OSError mostly, but Pillow is not consistent about it.
        raise _corrupt() from error
    return image


def _upright_without_metadata(image: Image.Image, image_format: str) -> Image.Image:
    """A new image holding only the pixels (``info`` is empty), in an output mode, turned upright."""
    transpose = _ORIENTATION_TRANSPOSE.get(_orientation(image))
    bare = _without_metadata(_output_mode(image, image_format))
    return bare.transpose(transpose) if transpose is not None else bare


def _orientation(image: Image.Image) -> int:
    """The EXIF (or XMP) orientation; unreadable metadata counts as upright rather than as corrupt."""
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:
        return 1
    return orientation if isinstance(orientation, int) else 1


def _output_mode(image: Image.Image, image_format: str) -> Image.Image:
    """Convert to a mode the output format stores plainly: JPEG gets L or RGB, PNG 1/L/RGB/RGBA."""
    mode = image.mode
    if image_format == "JPEG":
        return image if mode in ("L", "RGB") else image.convert("RGB")  # CMYK, YCbCr…
    if mode.startswith("I"):
        # 16-bit greyscale: convert("L") would clip everything above 255 to white, so scale it.
        return image.convert("I").point(lambda value: value / 257).convert("L")
    if mode in ("LA", "PA") or "transparency" in image.info:
        return image if mode == "RGBA" else image.convert("RGBA")
    return image if mode in ("1", "L", "RGB", "RGBA") else image.convert("RGB")


def _without_metadata(image: Image.Image) -> Image.Image:
    # Re-saving the decoded image is not enough: Pillow copies im.info["comment"] into a JPEG and
    # im.info["icc_profile"] into a PNG by default. A new image starts with an empty info.
    bare = Image.new(image.mode, image.size)
    bare.paste(image)
    return bare


def _encode(image: Image.Image, image_format: str) -> bytes:
    output = io.BytesIO()
    if image_format == "JPEG":
        image.save(output, "JPEG", quality=90, optimize=True)
    else:
        image.save(output, "PNG", optimize=True)
    return output.getvalue()


def _too_large(max_bytes: int) -> ValidationError:
    limit = f"{max_bytes / MEGABYTE:.1f}".removesuffix(".0")
    return ValidationError(
        _("图片不能超过 %(limit)s MB，请压缩后重新上传"), code="image_too_large", params={"limit": limit}
    )


def _too_many_pixels(max_pixels: int) -> ValidationError:
    limit = f"{max_pixels / 10_000:.1f}".removesuffix(".0")
    return ValidationError(
        _("图片尺寸过大（超过 %(limit)s 万像素），请缩小后重新上传"),
        code="image_too_many_pixels",
        params={"limit": limit},
    )


def _corrupt() -> ValidationError:
    return ValidationError(_("图片文件已损坏，请重新拍摄或选择"), code="image_corrupt")


def image_max_megabytes() -> int:
    """The largest photo accepted, in whole MB, as pages and hints state it (``KUAIJI_IMAGE_MAX_BYTES``)."""
    return int(settings.KUAIJI_IMAGE_MAX_BYTES // MEGABYTE)


def photo_hint(rest: str = "") -> Any:
    """A field hint naming the real byte cap (lazy: the setting may change, e.g. in tests)."""
    return format_lazy("JPG 或 PNG 格式，不超过 {} MB{}", lazy(image_max_megabytes, int)(), rest)
