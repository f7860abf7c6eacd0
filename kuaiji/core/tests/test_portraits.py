"""Any reasonable phone photo becomes the standard 1-inch photo (一寸照片) without a "photo tool".

Requirements covered:
- a 3 MB 12:9 phone photo comes out as exactly 295×413 pixels and at most 100 KB; so do tall and
  square photos; the result is an RGB JPEG without EXIF or any other metadata;
- the upload passes all of clean_image_upload's checks first (its refusals come through unchanged)
  and is turned upright by its EXIF orientation;
- a photo smaller than the target in either dimension is refused with a Chinese message naming the
  size needed; a PNG with transparency comes out as an RGB JPEG on white;
- the sizes are settings (Beijing: 114×156 px under 20 KB) and overriding them is honoured;
- the highest quality that fits is chosen; a photo that fits only below quality 50 is refused; a file
  under the minimum gets more fidelity where the pixels allow it, and a photo that cannot reach it is
  returned rather than refused; a minimum above the maximum is a configuration error;
- the crop is framed on the face when exactly one is found (the face box takes half the height, its
  centre 45% down, never outside the image, never smaller than the target) and otherwise is the
  largest crop of the target shape, centred with a third of the spare height above it.
The face is a drawn one that OpenCV's Haar cascade does detect (checked at several sizes here); the
framing arithmetic is also tested as a pure function. All inputs are made here with Pillow.
"""

import io
import random

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageCms, ImageDraw, ImageFilter

from kuaiji.core.portraits import Box, find_single_face, normalise_portrait, portrait_crop_box


def encode(image: Image.Image, image_format: str = "JPEG", **params) -> bytes:
    output = io.BytesIO()
    image.save(output, image_format, **params)
    return output.getvalue()


def upload(content: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def refusal(content: bytes, **options) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        normalise_portrait(upload(content), **options)
    return caught.value


def reopened(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def noise_photo(size: tuple[int, int], amplitude: int = 256) -> Image.Image:
    """Colour noise, the same every run: the hardest thing to compress, so a stand-in for detail."""
    width, height = size
    image = Image.frombytes("RGB", size, random.Random(1).randbytes(width * height * 3))
    return image if amplitude >= 256 else image.point(lambda v: 128 - amplitude // 2 + v * amplitude // 256)


def id_photo(size=(1200, 1600), centre=(600, 600), face_width=400) -> Image.Image:
    """A drawn head and shoulders that the Haar frontal-face cascade detects: a light oval with dark
    eyes and brows, a lighter nose and a darker mouth, under dark hair, softened by a blur."""
    image = Image.new("L", size, 60)
    draw = ImageDraw.Draw(image)
    x, y = centre
    w, h = face_width, face_width * 1.3
    draw.ellipse([x - w * 0.6, y - h * 0.62, x + w * 0.6, y + h * 0.55], fill=40)  # hair
    draw.ellipse([x - w * 0.5, y - h * 0.5, x + w * 0.5, y + h * 0.5], fill=200)  # face
    for side in (-1, 1):
        eye_x, eye_y = x + side * w * 0.2, y - h * 0.12
        draw.ellipse([eye_x - w * 0.12, eye_y - h * 0.1, eye_x + w * 0.12, eye_y - h * 0.07], fill=70)
        draw.ellipse([eye_x - w * 0.09, eye_y - h * 0.035, eye_x + w * 0.09, eye_y + h * 0.035], fill=50)
    draw.polygon([(x, y - h * 0.05), (x - w * 0.07, y + h * 0.15), (x + w * 0.07, y + h * 0.15)], fill=170)
    draw.ellipse([x - w * 0.17, y + h * 0.25, x + w * 0.17, y + h * 0.31], fill=90)  # mouth
    draw.ellipse([x - w * 1.3, y + h * 0.75, x + w * 1.3, y + h * 2.5], fill=110)  # shoulders
    draw.rectangle([x - w * 0.2, y + h * 0.4, x + w * 0.2, y + h * 0.8], fill=180)  # neck
    return image.filter(ImageFilter.GaussianBlur(w / 40)).convert("RGB")


@pytest.fixture(scope="module")
def phone_photo() -> bytes:
    """A 2400×1800 (4:3) JPEG of about 3 MB."""
    content = encode(noise_photo((2400, 1800)), quality=85)
    assert 2.5 * 1024 * 1024 < len(content) < 4 * 1024 * 1024
    return content


def assert_standard_jpeg(portrait, width=295, height=413, max_bytes=100 * 1024):
    image = reopened(portrait.content)
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert image.size == (portrait.width, portrait.height) == (width, height)
    assert portrait.size == len(portrait.content) <= max_bytes
    return image


# --- Sizes and shapes -------------------------------------------------------------------------------


def test_a_3_mb_phone_photo_becomes_a_295_by_413_jpeg_under_100_kb(phone_photo):
    portrait = normalise_portrait(upload(phone_photo))

    assert_standard_jpeg(portrait)
    assert (portrait.source_width, portrait.source_height) == (2400, 1800)
    assert 50 <= portrait.quality <= 95
    assert portrait.size >= 10 * 1024
    assert not portrait.face_found
    assert len(portrait.sha256) == 64


@pytest.mark.parametrize("size", [(600, 1400), (1000, 1000), (295, 413)], ids=["tall", "square", "exact"])
def test_tall_square_and_exact_photos_become_295_by_413(size):
    portrait = normalise_portrait(upload(encode(noise_photo(size, amplitude=96), quality=90)))

    assert_standard_jpeg(portrait)
    assert (portrait.source_width, portrait.source_height) == size


@pytest.mark.parametrize("size", [(200, 300), (294, 600), (600, 412)])
def test_a_photo_smaller_than_the_target_in_either_dimension_is_refused(size):
    error = refusal(encode(noise_photo(size)))

    assert error.code == "portrait_too_small"
    assert str(error.message % error.params).startswith("照片尺寸过小，至少需要 295×413 像素")


def test_the_upload_checks_of_clean_image_upload_come_first():
    assert refusal(b"%PDF-1.7\n").code == "image_format"
    assert refusal(encode(noise_photo((600, 800)))[:5000]).code == "image_corrupt"


def test_a_png_with_transparency_becomes_an_rgb_jpeg_on_white():
    picture = Image.new("RGBA", (600, 840), (0, 0, 0, 0))  # transparent all round…
    picture.paste((200, 30, 30, 255), (200, 300, 400, 600))  # …with an opaque red block in the middle

    portrait = normalise_portrait(upload(encode(picture, "PNG"), name="photo.png"))

    image = assert_standard_jpeg(portrait)
    assert all(channel > 245 for channel in image.getpixel((5, 5)))
    red, green, blue = image.getpixel((147, 206))
    assert red > 180 and green < 60 and blue < 60


def test_a_greyscale_photo_comes_out_as_rgb():
    portrait = normalise_portrait(upload(encode(noise_photo((600, 840)).convert("L"))))

    assert_standard_jpeg(portrait)


def test_the_sizes_are_settings_and_overrides_are_honoured(settings):
    # Beijing: 114×156 pixels, under 20 KB.
    settings.KUAIJI_PORTRAIT_WIDTH = 114
    settings.KUAIJI_PORTRAIT_HEIGHT = 156
    settings.KUAIJI_PORTRAIT_MAX_BYTES = 20 * 1024
    settings.KUAIJI_PORTRAIT_MIN_BYTES = 0

    portrait = normalise_portrait(upload(encode(noise_photo((400, 520)), quality=95)))

    assert_standard_jpeg(portrait, width=114, height=156, max_bytes=20 * 1024)
    assert refusal(encode(noise_photo((113, 400)))).code == "portrait_too_small"


# --- Orientation and metadata -----------------------------------------------------------------------


def test_a_photo_stored_sideways_comes_out_upright():
    upright = Image.new("RGB", (450, 600), (30, 30, 200))  # blue, with a red top third
    upright.paste((200, 30, 30), (0, 0, 450, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored turned 90° anticlockwise: turn clockwise to show it
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    assert stored.size == (600, 450)

    portrait = normalise_portrait(upload(encode(stored, exif=exif)))

    image = assert_standard_jpeg(portrait)
    assert (portrait.source_width, portrait.source_height) == (450, 600)
    red, _, blue = image.getpixel((147, 10))
    assert red > 150 and blue < 80
    red, _, blue = image.getpixel((147, 400))
    assert blue > 150 and red < 80


def test_the_portrait_carries_no_exif_or_other_metadata():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Camera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (36.0, 37.0, 12.5)
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = encode(noise_photo((600, 840)), exif=exif, icc_profile=profile, comment=b"secret")

    portrait = normalise_portrait(upload(original))

    image = reopened(portrait.content)
    assert not image.getexif()
    assert not {"exif", "icc_profile", "comment"} & set(image.info)
    assert b"Exif" not in portrait.content and b"secret" not in portrait.content


# --- File size --------------------------------------------------------------------------------------


def test_the_highest_quality_that_fits_is_chosen(phone_photo):
    portrait = normalise_portrait(upload(phone_photo), max_bytes=30 * 1024)

    assert_standard_jpeg(portrait, max_bytes=30 * 1024)
    assert portrait.quality < 95
    assert portrait.size > 0.85 * 30 * 1024  # one quality step more would not fit


def test_a_photo_that_only_fits_at_a_blocky_quality_is_refused(phone_photo):
    error = refusal(phone_photo, max_bytes=8 * 1024, min_bytes=0)

    assert error.code == "portrait_too_detailed"
    assert str(error.message % error.params).startswith("这张照片压缩到 8 KB 以内会明显失真")


def test_a_file_under_the_minimum_gets_more_fidelity():
    # A smooth drawn photo is well under 10 KB at quality 95 with 4:2:0 colour.
    portrait = normalise_portrait(upload(encode(id_photo())))

    assert 10 * 1024 <= portrait.size <= 100 * 1024
    assert portrait.quality > 95


def test_a_photo_too_plain_to_reach_the_minimum_is_still_returned():
    portrait = normalise_portrait(upload(encode(Image.new("RGB", (600, 840), "white"))))

    assert_standard_jpeg(portrait)
    assert portrait.size < 10 * 1024
    assert portrait.quality == 100


def test_a_minimum_above_the_maximum_is_a_configuration_error(phone_photo):
    with pytest.raises(ImproperlyConfigured):
        normalise_portrait(upload(phone_photo), max_bytes=10 * 1024, min_bytes=20 * 1024)


# --- Finding and framing the face -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "centre", "face_width"),
    [((1200, 1600), (600, 600), 400), ((2000, 1500), (600, 550), 250), ((600, 800), (300, 300), 120)],
)
def test_the_drawn_face_is_found(size, centre, face_width):
    face = find_single_face(id_photo(size, centre, face_width))

    assert face is not None
    assert face.left < centre[0] < face.right and face.top < centre[1] < face.bottom
    assert 0.8 * face_width < face.width < 1.6 * face_width


def test_no_face_is_found_in_noise_or_among_two_alike():
    two = Image.new("RGB", (1600, 1000))
    two.paste(id_photo((800, 1000), (400, 400), 250), (0, 0))
    two.paste(id_photo((800, 1000), (400, 400), 250), (800, 0))

    assert find_single_face(noise_photo((800, 600))) is None
    assert find_single_face(two) is None


def test_an_off_centre_face_is_framed_as_an_id_photo():
    # A 4:3 landscape with the person on the left: a centred crop would cut the face in half.
    portrait = normalise_portrait(upload(encode(id_photo((2000, 1500), (600, 550), 250))))

    assert portrait.face_found
    face = find_single_face(reopened(portrait.content))
    assert face is not None
    assert abs((face.left + face.right) / 2 - 295 / 2) < 15
    assert abs((face.top + face.bottom) / 2 - 0.45 * 413) < 20
    assert 0.4 * 413 < face.height < 0.6 * 413


def test_without_a_face_the_crop_is_centred_with_room_below():
    assert portrait_crop_box(4000, 3000, width=295, height=413, face=None) == Box(928, 0, 3071, 3000)
    # 1000 wide → 1400 tall; of the 600 spare, a third goes above.
    assert portrait_crop_box(1000, 2000, width=295, height=413, face=None) == Box(0, 200, 1000, 1600)


def test_a_face_box_takes_half_the_height_with_its_centre_45_percent_down():
    box = portrait_crop_box(3000, 4000, width=295, height=413, face=Box(1300, 1500, 1700, 1900))

    assert box.height == 800
    assert box.width == round(800 * 295 / 413)
    assert (box.left + box.right) / 2 == pytest.approx(1500, abs=1)
    assert box.top == 1700 - 0.45 * 800


def test_the_face_crop_stays_inside_the_image_and_never_enlarges():
    near_top = portrait_crop_box(3000, 4000, width=295, height=413, face=Box(0, 20, 400, 420))
    assert near_top.left == 0 and near_top.top == 0 and near_top.height == 800

    tiny_face = portrait_crop_box(3000, 4000, width=295, height=413, face=Box(1500, 1500, 1540, 1540))
    assert (tiny_face.width, tiny_face.height) == (295, 413)

    # Too close to the camera for the framing: the largest crop, slid towards the face.
    close_up = portrait_crop_box(1600, 1200, width=295, height=413, face=Box(1000, 100, 1600, 1100))
    assert close_up.height == 1200 and close_up.right == 1600


@given(
    source=st.tuples(st.integers(295, 5000), st.integers(413, 5000)),
    face=st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0.01, 1)),
)
def test_the_crop_box_always_lies_inside_the_image_in_the_target_shape(source, face):
    source_width, source_height = source
    size = max(1, round(face[2] * min(source)))
    left = round(face[0] * (source_width - size))
    top = round(face[1] * (source_height - size))

    for face_box in (None, Box(left, top, left + size, top + size)):
        box = portrait_crop_box(source_width, source_height, width=295, height=413, face=face_box)
        assert 0 <= box.left < box.right <= source_width
        assert 0 <= box.top < box.bottom <= source_height
        assert box.width >= 295 and box.height >= 413
        assert abs(box.width - box.height * 295 / 413) <= 1
