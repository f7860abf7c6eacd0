"""``AnnouncementFactory``: a notice (通知公告) as a row, for the states the pages cannot make at once
(expired, not yet published); ``uploads``: files of each kind, real and disguised."""

import io
import zipfile
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import factory

from kuaiji.accounts.tests.factories import StaffFactory
from kuaiji.announcements.models import Announcement
from kuaiji.regions.demo import ensure_demo_departments


class AnnouncementFactory(factory.django.DjangoModelFactory[Announcement]):
    """In force by default; ``expired=True``, ``future=True`` or ``withdrawn=True`` for the other states."""

    class Meta:
        model = Announcement

    class Params:
        expired = factory.Trait(
            publish_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=10)),
            expire_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )
        future = factory.Trait(publish_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1)))
        withdrawn = factory.Trait(withdrawn_at=factory.LazyFunction(timezone.now))

    department = factory.LazyFunction(lambda: ensure_demo_departments()["630102"])
    title = factory.Sequence(lambda n: f"关于会计人员信息采集的通知（{n}）")
    body = "<p>请按时完成信息采集。</p>"
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    created_by = factory.SubFactory(StaffFactory, department=factory.SelfAttribute("..department"))


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


def zip_bytes(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


def pdf_upload(name: str = "通知附件.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_upload(name: str = "报名表.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, zip_bytes("[Content_Types].xml", "word/document.xml"), content_type="application/octet-stream"
    )


def xlsx_upload(name: str = "名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, zip_bytes("[Content_Types].xml", "xl/workbook.xml"), content_type="application/octet-stream"
    )
