"""Turn any reasonable phone photo into the standard 1-inch photo (一寸照片) the record needs.

Requirements covered:
- the upload goes through :func:`~kuaiji.core.images.clean_image_upload` first, with all its checks
  (type judged by the bytes, file size, pixel cap, corrupt files) and its EXIF rotation;
- a photo smaller than the target in either dimension is refused (``portrait_too_small``) rather than
  enlarged into a blur;
- the result is an RGB baseline JPEG of exactly ``KUAIJI_PORTRAIT_WIDTH`` × ``KUAIJI_PORTRAIT_HEIGHT``
  pixels (295×413 nationally; provinces differ, so these are settings), scaled with Lanczos, without
  EXIF or any other metadata; transparency is flattened onto white, the usual ID-photo background;
- it is encoded at the highest JPEG quality (at most 95) that keeps it within
  ``KUAIJI_PORTRAIT_MAX_BYTES``, found by binary search; if even quality 50 does not fit, the photo is
  refused (``portrait_too_detailed``) rather than returned as a blocky mess. If the file comes out
  under ``KUAIJI_PORTRAIT_MIN_BYTES`` (some portals equate small with poor), the spare room is spent on
  full-resolution colour (4:4:4) and qualities up to 100; if even that stays under the minimum the
  photo has almost no detail, and the largest file that fits is returned rather than refusing it.

How the crop is chosen. The face is looked for with OpenCV's Haar frontal-face cascade, which ships
inside the ``opencv-python-headless`` wheel (nothing is downloaded at run time; OpenCV 5 dropped the
cascades, hence the pin to 4.x), on a greyscale copy at most 480 pixels long, decoded at reduced scale;
it costs 10–40 ms (about 65 ms on pure noise, the worst case), a fifth of what the upload sanitiser
itself takes on a 12-megapixel photo. Only faces spanning at least 12% of the shorter side count
(smaller ones are background or false hits, and too small to frame). Exactly one face, or one at least
twice the area of any other (Haar finds the odd small face in a patterned background), counts as found;
none, or several of similar size (a group photo), falls back. A found face is framed as an ID photo is:
the face box takes half the photo's height (the whole head with hair, about two thirds), its centre sits
45% down and horizontally centred, which leaves room above the head and shows the shoulders. The box is
never smaller than the target (no enlarging) and never leaves the image; when the image is too small for
that framing, the largest crop of the target shape is taken, slid as close to that framing as the image
allows. Without a face, the largest crop of the target shape is centred horizontally and placed with a
third of the spare height above it and two thirds below, since faces sit in the upper part of portrait
photos.
"""

import hashlib
import io
import threading
from dataclasses import dataclass
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

from PIL import Image

from kuaiji.core.images import Upload, clean_image_upload

# ID-photo framing from a detected face box (see the module docstring).
FACE_HEIGHT_SHARE = 0.5
FACE_CENTRE_FROM_TOP = 0.45
# Without a face: the share of the spare height left above the crop.
NO_FACE_SPARE_ABOVE = 1 / 3

# JPEG qualities: 95 is Pillow's advice for the top of the useful range; below 50 the 8×8 blocks show.
LOWEST_QUALITY = 50
HIGHEST_QUALITY = 95
HIGHEST_QUALITY_FOR_MIN_BYTES = 100

# Face detection runs on a copy this long at most; a face must span this share of its shorter side.
DETECTION_LONG_SIDE = 480
DETECTION_MIN_FACE_SHARE = 0.12
# A larger face counts as the subject when it has this many times the area of every other.
DOMINANT_FACE_AREA_RATIO = 2.0
# The decoded copy we crop from keeps at least this many pixels per output pixel, for Lanczos.
SCALE_HEADROOM = 2


class Box(NamedTuple):
    """A rectangle in pixels, as Pillow's ``crop`` takes it: right and bottom are exclusive."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top


@dataclass(frozen=True)
class Portrait:
    """A finished 1-inch photo: ``content`` is an RGB JPEG of ``width`` × ``height`` pixels."""

    content: bytes
    width: int
    height: int
    size: int
    sha256: str
    quality: int
    face_found: bool
    source_width: int
    source_height: int


def normalise_portrait(
    upload: Upload | IO[bytes],
    *,
    width: int | None = None,
    height: int | None = None,
    max_bytes: int | None = None,
    min_bytes: int | None = None,
) -> Portrait:
    """Check an uploaded photo and return the standard portrait made from it, or raise ``ValidationError``.

    Sizes default to the ``KUAIJI_PORTRAIT_*`` settings; the upload limits are those of
    :func:`clean_image_upload`, whose refusals pass through unchanged. Our own refusal codes:
    ``portrait_too_small`` (fewer pixels than the target in either dimension) and
    ``portrait_too_detailed`` (no quality from 50 up fits ``max_bytes``). Pure computation: nothing is
    stored and no permission is checked here.
    """
    width = settings.KUAIJI_PORTRAIT_WIDTH if width is None else width
    height = settings.KUAIJI_PORTRAIT_HEIGHT if height is None else height
    max_bytes = settings.KUAIJI_PORTRAIT_MAX_BYTES if max_bytes is None else max_bytes
    min_bytes = settings.KUAIJI_PORTRAIT_MIN_BYTES if min_bytes is None else min_bytes
    if min_bytes > max_bytes:
        raise ImproperlyConfigured("KUAIJI_PORTRAIT_MIN_BYTES must not exceed KUAIJI_PORTRAIT_MAX_BYTES")

    clean = clean_image_upload(upload)
    if clean.width < width or clean.height < height:
        raise ValidationError(
            _("照片尺寸过小，至少需要 %(width)s×%(height)s 像素（宽×高），请上传手机拍摄的原图"),
            code="portrait_too_small",
            params={"width": width, "height": height},
        )
    # Two decodes of the clean JPEG at reduced scale (a small one to find the face, then one just large
    # enough for the crop) are much faster than one at full size; a PNG is decoded once.
    preview = _decoded(clean.content, scale=DETECTION_LONG_SIDE / max(clean.width, clean.height))
    face = find_single_face(preview)
    if face is not None:
        face = _scale_box(face, clean.width / preview.width, clean.height / preview.height)
    box = portrait_crop_box(clean.width, clean.height, width=width, height=height, face=face)
    source = preview
    if preview.size != (clean.width, clean.height):
        source = _decoded(clean.content, scale=SCALE_HEADROOM * width / box.width)
    scaled_box = _scale_box(box, source.width / clean.width, source.height / clean.height)
    portrait = _rgb(source.crop(scaled_box)).resize((width, height), Image.Resampling.LANCZOS)
    portrait.info = {}  # Pillow writes some info keys (a JPEG comment) back out when saving
    content, quality = _encode_within(portrait, max_bytes=max_bytes, min_bytes=min_bytes)
    return Portrait(
        content=content,
        width=width,
        height=height,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        quality=quality,
        face_found=face is not None,
        source_width=clean.width,
        source_height=clean.height,
    )


def portrait_crop_box(
    source_width: int, source_height: int, *, width: int, height: int, face: Box | None
) -> Box:
    """The part of a ``source_width`` × ``source_height`` photo to scale to ``width`` × ``height``.

    Pure arithmetic, so the framing rules can be tested without a real face. The box has the target's
    aspect ratio (to within a pixel of rounding) and always lies inside the image.
    """
    aspect = width / height
    if source_width / source_height > aspect:  # wider than the target: the full height fits
        largest_width, largest_height = min(source_width, round(source_height * aspect)), source_height
    else:
        largest_width, largest_height = source_width, min(source_height, round(source_width / aspect))
    if face is None:
        left = (source_width - largest_width) // 2
        top = round((source_height - largest_height) * NO_FACE_SPARE_ABOVE)
        return Box(left, top, left + largest_width, top + largest_height)

    crop_height = min(max(round(face.height / FACE_HEIGHT_SHARE), height), largest_height)
    crop_width = min(max(round(crop_height * aspect), width), largest_width)
    face_centre_x = (face.left + face.right) / 2
    face_centre_y = (face.top + face.bottom) / 2
    left = _clamp(round(face_centre_x - crop_width / 2), 0, source_width - crop_width)
    top = _clamp(round(face_centre_y - crop_height * FACE_CENTRE_FROM_TOP), 0, source_height - crop_height)
    return Box(left, top, left + crop_width, top + crop_height)


def find_single_face(image: Image.Image) -> Box | None:
    """The subject's face in ``image`` in its own pixel coordinates, or None (none, or a group).

    Looks on a greyscale copy at most ``DETECTION_LONG_SIDE`` pixels long; see the module docstring.
    """
    import cv2  # costs ~150 ms to import, so only processes that handle photos pay it
    import numpy

    ratio = min(1.0, DETECTION_LONG_SIDE / max(image.size))
    small = image.convert("L")
    if ratio < 1.0:
        small = small.resize(
            (max(1, round(image.width * ratio)), max(1, round(image.height * ratio))), Image.Resampling.BOX
        )
    pixels = cv2.equalizeHist(numpy.asarray(small))
    min_face = max(24, round(min(small.size) * DETECTION_MIN_FACE_SHARE))
    found = _face_classifier().detectMultiScale(
        pixels, scaleFactor=1.1, minNeighbors=5, minSize=(min_face, min_face)
    )
    faces = sorted((tuple(int(v) for v in face) for face in found), key=lambda f: f[2] * f[3], reverse=True)
    if not faces:
        return None
    if len(faces) > 1 and faces[0][2] * faces[0][3] < DOMINANT_FACE_AREA_RATIO * faces[1][2] * faces[1][3]:
        return None
    x, y, w, h = faces[0]
    scale_x, scale_y = image.width / small.width, image.height / small.height
    return Box(
        round(x * scale_x),
        round(y * scale_y),
        min(image.width, round((x + w) * scale_x)),
        min(image.height, round((y + h) * scale_y)),
    )


_classifiers = threading.local()


def _face_classifier() -> Any:
    """One cascade per thread: OpenCV does not promise that ``detectMultiScale`` is thread-safe."""
    classifier = getattr(_classifiers, "frontal_face", None)
    if classifier is None:
        import cv2

        # cv2's stubs omit the data module.
        cascades: str = cv2.data.haarcascades  # type: ignore[attr-defined]
        classifier = cv2.CascadeClassifier(cascades + "haarcascade_frontalface_default.xml")
        if classifier.empty():
            raise ImproperlyConfigured("OpenCV's haarcascade_frontalface_default.xml could not be loaded")
        _classifiers.frontal_face = classifier
    return classifier


def _decoded(content: bytes, *, scale: float) -> Image.Image:
    """Decode ``content``; a JPEG at a reduced scale (no less than ``scale``), which is much faster."""
    image = Image.open(io.BytesIO(content))
    if scale < 1:
        # Only JPEG can decode at 1/2, 1/4 or 1/8 size; for PNG this does nothing.
        image.draft(image.mode, (max(1, int(image.width * scale)), max(1, int(image.height * scale))))
    image.load()
    return image


def _scale_box(box: Box, scale_x: float, scale_y: float) -> Box:
    return Box(
        round(box.left * scale_x),
        round(box.top * scale_y),
        round(box.right * scale_x),
        round(box.bottom * scale_y),
    )


def _rgb(image: Image.Image) -> Image.Image:
    """RGB pixels; transparency is flattened onto white, the usual ID-photo background."""
    if image.mode == "RGB":
        return image
    if "A" in image.mode or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, "white")
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def _encode_within(image: Image.Image, *, max_bytes: int, min_bytes: int) -> tuple[bytes, int]:
    """The JPEG and its quality: the highest quality that fits, then more fidelity to reach the minimum."""
    best = _highest_quality_within(image, LOWEST_QUALITY, HIGHEST_QUALITY, max_bytes, "4:2:0")
    if best is None:
        limit = f"{max_bytes / 1024:.0f}"
        raise ValidationError(
            _("这张照片压缩到 %(limit)s KB 以内会明显失真，请换一张背景简洁、光线均匀的照片"),
            code="portrait_too_detailed",
            params={"limit": limit},
        )
    if len(best[0]) >= min_bytes:
        return best
    # Under the minimum: spend the room on full-resolution colour and the top qualities.
    richer = _highest_quality_within(image, best[1], HIGHEST_QUALITY_FOR_MIN_BYTES, max_bytes, "4:4:4")
    return richer if richer is not None and len(richer[0]) > len(best[0]) else best


def _highest_quality_within(
    image: Image.Image, low: int, high: int, max_bytes: int, subsampling: str
) -> tuple[bytes, int] | None:
    """Binary search for the highest quality in [low, high] whose JPEG fits; None when even low does not.

    File size grows with quality almost monotonically; whatever is returned was measured to fit.
    """
    top = _jpeg(image, high, subsampling)
    if len(top) <= max_bytes:
        return top, high
    found: tuple[bytes, int] | None = None
    high -= 1
    while low <= high:
        quality = (low + high) // 2
        content = _jpeg(image, quality, subsampling)
        if len(content) <= max_bytes:
            found, low = (content, quality), quality + 1
        else:
            high = quality - 1
    return found


def _jpeg(image: Image.Image, quality: int, subsampling: str) -> bytes:
    output = io.BytesIO()
    image.save(output, "JPEG", quality=quality, subsampling=subsampling, optimize=True)
    return output.getvalue()


def _clamp(value: int, lowest: int, highest: int) -> int:
    return max(lowest, min(value, highest))
