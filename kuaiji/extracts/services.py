"""Writes of archive extracts: issuing one (rendered, signed, stored, audited) and revoking one."""

import hashlib
import io
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from kuaiji.archive.models import ArchiveRecord
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core.storage import delete_stored_file, save_private_file
from kuaiji.credit.selectors import entries_in_effect

from .codes import format_code, new_code
from .models import ArchiveExtract
from .pdf import render_extract
from .selectors import fingerprint_of, snapshot_of
from .signing import SigningUnavailable, sign_pdf

logger = logging.getLogger(__name__)

NO_RECORD_MESSAGE = "您还没有审核通过的人员档案，暂时不能开具人员档案证明。信息登记审核通过后即可开具。"
SIGNING_UNAVAILABLE_MESSAGE = (
    "证明签名服务暂时不可用，暂时无法开具人员档案证明。请稍后再试或联系会计管理部门。"
)
ALREADY_REVOKED_MESSAGE = "这份证明已经撤销。"
REVOKE_REASON_DEFAULT = "持有人撤销"


def verification_url(extract: ArchiveExtract) -> str:
    """The absolute address the QR code opens: ``KUAIJI_PUBLIC_URL`` + ``/verify/<uuid>/``."""
    return settings.KUAIJI_PUBLIC_URL + reverse("extracts:verify_detail", args=[extract.uuid])


def issue_extract(person: Any, *, request: HttpRequest | None = None) -> ArchiveExtract:
    """A new extract of ``person``'s archive record as it stands: rendered, signed, stored privately and
    audited (``extract.issued``). The caller has checked that ``person`` is the signed-in person.

    Raises ValidationError with a Chinese message when the person has no archive record
    (``no_record``) or nothing can sign (``signing_unavailable``: production without the key)."""
    record = (
        ArchiveRecord.objects.select_related("current_version", "department").filter(person=person).first()
    )
    if record is None or record.current_version is None:
        raise ValidationError(NO_RECORD_MESSAGE, code="no_record")
    if not settings.KUAIJI_PUBLIC_URL:
        logger.error("extracts: KUAIJI_PUBLIC_URL is not set; an extract cannot carry its address")
        raise ValidationError(SIGNING_UNAVAILABLE_MESSAGE, code="signing_unavailable")
    now = timezone.now()
    today = timezone.localdate(now)
    entries = entries_in_effect(record, on=today)
    expires_on = today + timedelta(days=settings.KUAIJI_EXTRACT_VALID_DAYS)
    extract = ArchiveExtract(
        record=record,
        code=new_code(),
        snapshot=snapshot_of(record, entries, issued_on=today, expires_on=expires_on),
        fingerprint=fingerprint_of(record, entries),
        issued_at=now,
        expires_on=expires_on,
    )
    while ArchiveExtract.objects.filter(code=extract.code).exists():  # 50 bits: practically never
        extract.code = new_code()
    unsigned = render_extract(
        extract.snapshot,
        display_code=format_code(extract.code),
        url=verification_url(extract),
        site_name=settings.KUAIJI_SITE_NAME,
        department_name=settings.KUAIJI_DEPARTMENT_NAME,
    )
    try:
        signed = sign_pdf(unsigned, reason="人员档案证明", location=settings.KUAIJI_DEPARTMENT_NAME)
    except SigningUnavailable:
        logger.exception("extracts: cannot sign")
        raise ValidationError(SIGNING_UNAVAILABLE_MESSAGE, code="signing_unavailable") from None
    extract.pdf_sha256 = hashlib.sha256(signed).hexdigest()
    extract.pdf.name = save_private_file(io.BytesIO(signed), prefix="extracts", extension=".pdf")
    try:
        with transaction.atomic():
            extract.save()
            record_event(
                action=AuditAction.EXTRACT_ISSUED,
                actor=person,
                target=extract,
                request=request,
                details={"record": str(record.uuid), "expires_on": expires_on.isoformat()},
            )
    except Exception:  # the row was not written: no file without its row
        delete_stored_file(extract.pdf.name)
        raise
    return extract


@transaction.atomic
def revoke_extract(
    extract: ArchiveExtract, *, by: Any, reason: str = "", request: HttpRequest | None = None
) -> ArchiveExtract:
    """Revoke the extract early (its verification says 已撤销 from now on) and audit it. The caller has
    checked that ``by`` holds it (``selectors.extract_of_person``). An extract revoked already raises
    ValidationError (``already_revoked``); two clicks at once revoke it once."""
    now = timezone.now()
    reason = reason.strip()[:200] or REVOKE_REASON_DEFAULT
    updated = ArchiveExtract.objects.filter(pk=extract.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by, revoked_reason=reason
    )
    if not updated:
        raise ValidationError(ALREADY_REVOKED_MESSAGE, code="already_revoked")
    record_event(
        action=AuditAction.EXTRACT_REVOKED,
        actor=by,
        target=extract,
        request=request,
        details={"reason": reason},
    )
    extract.refresh_from_db(fields=["revoked_at", "revoked_by", "revoked_reason"])
    return extract
