import io
import re

from PIL import Image

from kuaiji.accounts.sms import read_outbox


def last_code_for(mobile: str) -> str:
    """The code in the newest outbox message to ``mobile``."""
    for message in read_outbox(limit=500):
        if message["mobile"] == mobile:
            found = re.search(r"验证码 (\d{6})", message["text"])
            assert found, message["text"]
            return found.group(1)
    raise AssertionError(f"no SMS was sent to {mobile[:3]}…")


def jpeg_bytes(width=800, height=500, color=(200, 180, 160), exif=None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), color)
    if exif is not None:
        image.save(buffer, "JPEG", exif=exif)
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()
