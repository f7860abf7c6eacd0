"""Uploaded photos are accepted only as clean, re-encoded JPEG or PNG.

Requirements covered:
- only JPEG and PNG are accepted, judged by the bytes and not the name (a renamed PDF, SVG, GIF,
  HEIC or WebP is refused);
- the size limit (KUAIJI_IMAGE_MAX_BYTES, 4 MB) is checked before decoding, and an empty file is refused;
- decompression bombs are refused before their pixels are decoded, by our pixel cap
  (KUAIJI_IMAGE_MAX_PIXELS) and by Pillow's own limit, never as a server error;
- a truncated or corrupt image is refused;
- what is stored is re-encoded: upright per its EXIF orientation, without EXIF, GPS, ICC profile,
  comments, text chunks or bytes appended after the image (polyglots come out clean);
- every refusal is a ValidationError with a Simplified Chinese message and a stable code.
All inputs are made here with Pillow; the repository holds no binary fixtures.
"""

import hashlib
import io
import struct
import zlib

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from PIL import ExifTags, Image, ImageCms, ImageFile, PngImagePlugin

from kuaiji.core.images import clean_image_upload

WRONG_TYPE = "只能上传 JPG 或 PNG 格式的图片"
CORRUPT = "图片文件已损坏，请重新拍摄或选择"


def encode(image: Image.Image, image_format: str, **params) -> bytes:
    output = io.BytesIO()
    image.save(output, image_format, **params)
    return output.getvalue()


def photo(size=(40, 20), mode="RGB") -> Image.Image:
    """A small picture with a white left half and a black right half, so rotation is visible."""
    image = Image.new(mode, size, "black")
    image.paste("white", (0, 0, size[0] // 2, size[1]))
    return image


def upload(content: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def refusal(content: bytes, name: str = "photo.jpg", **limits) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        clean_image_upload(upload(content, name), **limits)
    return caught.value


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header claims width×height 1-bit pixels but that carries no pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def png_chunk_types(content: bytes) -> list[bytes]:
    types, position = [], 8
    while position < len(content):
        (length,) = struct.unpack(">I", content[position : position + 4])
        types.append(content[position + 4 : position + 8])
        position += 12 + length
    return types


# --- accepted --------------------------------------------------------------------------------------------


def test_jpeg_is_reencoded_and_described():
    original = encode(photo(), "JPEG", quality=100)

    clean = clean_image_upload(upload(original))

    assert (clean.format, clean.content_type, clean.extension) == ("JPEG", "image/jpeg", ".jpg")
    assert (clean.width, clean.height) == (40, 20)
    assert clean.content != original
    assert clean.size == len(clean.content)
    assert clean.sha256 == hashlib.sha256(clean.content).hexdigest()
    reopened = Image.open(io.BytesIO(clean.content))
    assert (reopened.format, reopened.size, reopened.mode) == ("JPEG", (40, 20), "RGB")


def test_png_is_reencoded_and_described():
    clean = clean_image_upload(upload(encode(photo(mode="RGBA"), "PNG"), "scan.png"))

    assert (clean.format, clean.content_type, clean.extension) == ("PNG", "image/png", ".png")
    assert (clean.width, clean.height, clean.size) == (40, 20, len(clean.content))
    assert clean.sha256 == hashlib.sha256(clean.content).hexdigest()
    reopened = Image.open(io.BytesIO(clean.content))
    assert (reopened.format, reopened.mode) == ("PNG", "RGBA")
    assert png_chunk_types(clean.content) == [b"IHDR", b"IDAT", b"IEND"]


def test_type_comes_from_the_bytes_not_the_name():
    clean = clean_image_upload(upload(encode(photo(), "PNG"), "photo.jpg"))

    assert (clean.format, clean.extension) == ("PNG", ".png")


def test_exif_and_gps_are_removed():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Camera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (36.0, 37.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (101.0, 46.0, 30.0)
    original = encode(photo(), "JPEG", exif=exif)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    clean = clean_image_upload(upload(original))

    reopened = Image.open(io.BytesIO(clean.content))
    assert "exif" not in reopened.info
    assert not reopened.getexif()
    assert b"Exif" not in clean.content


def test_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored sideways: turn 90° clockwise to show it
    original = encode(photo(size=(40, 20)), "JPEG", exif=exif)

    clean = clean_image_upload(upload(original))

    assert (clean.width, clean.height) == (20, 40)
    upright = Image.open(io.BytesIO(clean.content)).convert("L")
    assert upright.getpixel((10, 5)) > 200  # the white half is now on top
    assert upright.getpixel((10, 35)) < 50
    assert not upright.getexif()


def test_orientation_is_applied_even_when_pillow_cannot_rewrite_the_exif():
    # Tag 0x0123 is a SHORT table in TIFF; here it holds text, as odd phone firmware writes. Pillow
    # reads it, but ImageOps.exif_transpose raises struct.error re-serialising it.
    entries = struct.pack(">HHIHH", ExifTags.Base.Orientation, 3, 1, 6, 0) + struct.pack(
        ">HHI4s", 0x0123, 2, 4, b"Cam\0"
    )
    exif = b"Exif\0\0MM\0*" + struct.pack(">IH", 8, 2) + entries + struct.pack(">I", 0)
    original = encode(photo(size=(40, 20)), "JPEG", exif=exif)

    clean = clean_image_upload(upload(original))

    assert (clean.width, clean.height) == (20, 40)


def test_jpeg_comment_icc_profile_and_appended_script_are_removed():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = encode(photo(), "JPEG", comment=b"<script>alert(1)</script>", icc_profile=srgb)
    original += b"<html><script>alert(2)</script></html>"

    clean = clean_image_upload(upload(original))

    reopened = Image.open(io.BytesIO(clean.content))
    assert "comment" not in reopened.info
    assert "icc_profile" not in reopened.info
    assert b"<script" not in clean.content
    assert clean.content.endswith(b"\xff\xd9")


def test_png_text_chunks_and_icc_profile_are_removed():
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "<script>alert(1)</script>")
    text.add_text("Description", "<html>", zip=True)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = encode(photo(), "PNG", pnginfo=text, icc_profile=srgb)
    assert b"iCCP" in original and b"tEXt" in original

    clean = clean_image_upload(upload(original, "scan.png"))

    assert png_chunk_types(clean.content) == [b"IHDR", b"IDAT", b"IEND"]


def test_png_html_polyglot_is_accepted_but_comes_out_clean():
    polyglot = encode(photo(), "PNG") + b"<html><body><script>alert(document.cookie)</script></body></html>"

    clean = clean_image_upload(upload(polyglot, "page.png"))

    assert b"<html" not in clean.content
    assert b"<script" not in clean.content
    assert clean.content.endswith(b"IEND\xaeB`\x82")


def test_multi_picture_jpeg_keeps_only_the_main_picture():
    # Some phones save MPO files (a JPEG followed by more JPEGs); Pillow reports them as "MPO".
    original = encode(photo(), "MPO", save_all=True, append_images=[photo(size=(400, 400))])

    clean = clean_image_upload(upload(original))

    reopened = Image.open(io.BytesIO(clean.content))
    assert (clean.format, reopened.format, reopened.size) == ("JPEG", "JPEG", (40, 20))
    assert clean.content.count(b"\xff\xd8") == 1


@pytest.mark.parametrize(
    ("mode", "image_format", "expected_mode"),
    [
        ("CMYK", "JPEG", "RGB"),
        ("L", "JPEG", "L"),
        ("LA", "PNG", "RGBA"),
        ("1", "PNG", "1"),
    ],
)
def test_modes_are_converted_to_plain_ones(mode, image_format, expected_mode):
    clean = clean_image_upload(upload(encode(photo(mode=mode), image_format)))

    assert Image.open(io.BytesIO(clean.content)).mode == expected_mode


def test_palette_png_keeps_its_transparency_as_alpha():
    palette = photo().convert("P")
    palette.info["transparency"] = 0

    clean = clean_image_upload(upload(encode(palette, "PNG"), "icon.png"))

    assert Image.open(io.BytesIO(clean.content)).mode == "RGBA"


def test_16_bit_greyscale_png_is_scaled_not_clipped():
    deep = Image.new("I;16", (2, 1))
    deep.putpixel((0, 0), 65535)
    deep.putpixel((1, 0), 32896)

    clean = clean_image_upload(upload(encode(deep, "PNG"), "scan.png"))

    reopened = Image.open(io.BytesIO(clean.content))
    assert reopened.mode == "L"
    assert [reopened.getpixel((0, 0)), reopened.getpixel((1, 0))] == [255, 128]


# --- refused ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name"),
    [
        pytest.param(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "scan.jpg", id="renamed-pdf"),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.png", id="svg"
        ),
        pytest.param(encode(photo(), "GIF"), "photo.jpg", id="gif"),
        pytest.param(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "IMG_0001.jpg", id="heic"),
        pytest.param(encode(photo(), "WEBP"), "photo.png", id="webp"),
        pytest.param(encode(photo(), "BMP"), "photo.jpg", id="bmp"),
    ],
)
def test_other_types_are_refused_whatever_their_name(content, name):
    error = refusal(content, name)

    assert (error.code, error.messages) == ("image_format", [WRONG_TYPE])


def test_truncated_jpeg_is_refused():
    noise = Image.effect_noise((64, 64), 50).convert("RGB")
    whole = encode(noise, "JPEG")

    error = refusal(whole[: len(whole) // 2])

    assert (error.code, error.messages) == ("image_corrupt", [CORRUPT])


def test_corrupt_png_is_refused():
    whole = bytearray(encode(photo(), "PNG"))
    whole[20] ^= 0xFF  # inside IHDR, so its checksum no longer matches

    error = refusal(bytes(whole), "scan.png")

    assert (error.code, error.messages) == ("image_corrupt", [CORRUPT])


def test_truncated_images_are_never_loaded_leniently(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)

    with pytest.raises(ImproperlyConfigured):
        clean_image_upload(upload(encode(photo(), "JPEG")))


def test_too_many_pixels_is_refused_by_our_cap():
    error = refusal(encode(photo(size=(100, 100)), "PNG"), "scan.png", max_pixels=5_000)

    assert error.code == "image_too_many_pixels"
    assert error.messages == ["图片尺寸过大（超过 0.5 万像素），请缩小后重新上传"]


def test_pixel_cap_is_checked_before_decoding():
    # 7000×7000 is over the 40 M default but under Pillow's own limit; the file carries no pixel
    # data, so only a check made before load() can report the size rather than a corrupt file.
    error = refusal(png_declaring(7000, 7000), "bomb.png")

    assert error.code == "image_too_many_pixels"
    assert error.messages == ["图片尺寸过大（超过 4000 万像素），请缩小后重新上传"]


def test_pillow_decompression_bomb_error_is_a_refusal():
    error = refusal(png_declaring(20_000, 20_000), "bomb.png", max_pixels=10**12)

    assert error.code == "image_too_many_pixels"


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_pillow_decompression_bomb_warning_is_a_refusal(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)

    error = refusal(encode(photo(size=(40, 40)), "PNG"), "bomb.png", max_pixels=10**12)

    assert error.code == "image_too_many_pixels"


def test_too_large_file_is_refused_before_decoding():
    padded = encode(photo(), "JPEG") + b"\x00" * (11 * 1024 * 1024)

    error = refusal(padded)

    assert (error.code, error.messages) == ("image_too_large", ["图片不能超过 10 MB，请压缩后重新上传"])


def test_size_limit_comes_from_settings(settings):
    settings.KUAIJI_IMAGE_MAX_BYTES = 1024 * 1024

    error = refusal(encode(photo(), "JPEG") + b"\x00" * (1024 * 1024))

    assert error.messages == ["图片不能超过 1 MB，请压缩后重新上传"]


def test_real_size_is_checked_when_the_declared_size_lies():
    class LyingUpload(io.BytesIO):
        size = 10
        name = "photo.jpg"

    with pytest.raises(ValidationError) as caught:
        clean_image_upload(LyingUpload(encode(photo(), "JPEG") + b"\x00" * 2000), max_bytes=1000)

    assert caught.value.code == "image_too_large"


def test_empty_file_is_refused():
    error = refusal(b"")

    assert (error.code, error.messages) == ("image_empty", ["图片文件是空的，请重新选择"])
