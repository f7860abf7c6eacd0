"""The 1-inch photo: what normalising a 12-megapixel phone photo costs, against the upload sanitiser
that it runs first (so the ratio is what the face search, crop, scale and quality search add)."""

import io
import random

from django.test import override_settings

from PIL import Image, ImageDraw, ImageFilter

from bench.accounts_bench import report, timed
from kuaiji.core.images import clean_image_upload
from kuaiji.core.portraits import DETECTION_LONG_SIDE, find_single_face, normalise_portrait

SIZE = (4000, 3000)


def _head_and_shoulders(size: tuple[int, int]) -> Image.Image:
    """A drawn person the Haar cascade detects (as in the tests), with sensor-like noise over it."""
    width, height = size
    x, y, w = width * 0.4, height * 0.38, height * 0.2
    h = w * 1.3
    image = Image.new("L", size, 60)
    draw = ImageDraw.Draw(image)
    draw.ellipse([x - w * 0.6, y - h * 0.62, x + w * 0.6, y + h * 0.55], fill=40)
    draw.ellipse([x - w * 0.5, y - h * 0.5, x + w * 0.5, y + h * 0.5], fill=200)
    for side in (-1, 1):
        eye_x, eye_y = x + side * w * 0.2, y - h * 0.12
        draw.ellipse([eye_x - w * 0.12, eye_y - h * 0.1, eye_x + w * 0.12, eye_y - h * 0.07], fill=70)
        draw.ellipse([eye_x - w * 0.09, eye_y - h * 0.035, eye_x + w * 0.09, eye_y + h * 0.035], fill=50)
    draw.polygon([(x, y - h * 0.05), (x - w * 0.07, y + h * 0.15), (x + w * 0.07, y + h * 0.15)], fill=170)
    draw.ellipse([x - w * 0.17, y + h * 0.25, x + w * 0.17, y + h * 0.31], fill=90)
    draw.ellipse([x - w * 1.3, y + h * 0.75, x + w * 1.3, y + h * 2.5], fill=110)
    draw.rectangle([x - w * 0.2, y + h * 0.4, x + w * 0.2, y + h * 0.8], fill=180)
    drawn = image.filter(ImageFilter.GaussianBlur(w / 40)).convert("RGB")
    return Image.blend(drawn, _noise(size), 0.12)


def _noise(size: tuple[int, int]) -> Image.Image:
    return Image.frombytes("RGB", size, random.Random(1).randbytes(size[0] * size[1] * 3))


def _jpeg(image: Image.Image) -> bytes:
    output = io.BytesIO()
    image.save(output, "JPEG", quality=85)
    return output.getvalue()


def run() -> None:
    photos = {
        "portrait with a face": _jpeg(_head_and_shoulders(SIZE)),
        "pure noise, no face": _jpeg(_noise(SIZE)),
    }
    # Noise JPEGs are larger than the 4 MB upload limit; the limits are not what is measured here.
    with override_settings(KUAIJI_IMAGE_MAX_BYTES=50 * 1024 * 1024, KUAIJI_IMAGE_MAX_PIXELS=50_000_000):
        for name, photo in photos.items():
            portrait = normalise_portrait(io.BytesIO(photo))  # also imports OpenCV, outside the timing
            cleaned = timed(lambda photo=photo: clean_image_upload(io.BytesIO(photo)), repeat=5)
            normalised = timed(lambda photo=photo: normalise_portrait(io.BytesIO(photo)), repeat=5)
            report(
                f"1-inch photo, 12 MP {name} ({len(photo) // 1024} KB)",
                normalised,
                cleaned,
                "clean_image_upload",
            )
            print(
                f"  → {portrait.width}×{portrait.height}, {portrait.size // 1024} KB, quality "
                f"{portrait.quality}, face found: {portrait.face_found}"
            )
            preview = Image.open(io.BytesIO(photo))
            preview.thumbnail((DETECTION_LONG_SIDE, DETECTION_LONG_SIDE))
            report(
                f"  face search alone ({preview.width}×{preview.height} copy)",
                timed(lambda preview=preview: find_single_face(preview), repeat=5),
                cleaned,
                "clean_image_upload",
            )
