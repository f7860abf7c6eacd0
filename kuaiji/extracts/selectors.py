"""Reads of archive extracts: what an extract prints (``snapshot_of``), whether the record changed since
(``fingerprint_of``), the one verification (``verify_extract``: pages and API alike), the person's own
extracts with who verified them, and the gate to one of them (``extract_of_person``)."""

import hashlib
import ipaddress
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from kuaiji.archive.models import ArchiveRecord
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.models import AuditEvent
from kuaiji.audit.services import record_event
from kuaiji.collection.constants import AccountingPost, EducationLevel, QualificationLevel, QualificationType
from kuaiji.core.constants import DocumentType
from kuaiji.core.validators import mask_document_number
from kuaiji.credit.models import CreditEntry
from kuaiji.credit.selectors import entries_in_effect

from .codes import normalise_code
from .constants import ExtractState, VerificationChannel
from .models import ArchiveExtract

#: At most so many credit entries are printed; the rest are counted in one more line.
MAX_CREDIT_LINES = 5
EXTRACT_TARGET_TYPE = ArchiveExtract._meta.label_lower


def _label(choices: type[Any], value: str) -> str:
    return str(dict(choices.choices).get(value, value)) if value else ""


def _qualification(record: ArchiveRecord, answers: dict[str, Any]) -> str:
    qualification = answers.get("qualification", {})
    level = record.qualification_level or qualification.get("qualification_level", "")
    if not level or level == QualificationLevel.NONE:
        text = "无"
    else:
        text = _label(QualificationLevel, level)
        if kind := qualification.get("qualification_type"):
            text += f"（{_label(QualificationType, kind)}）"
    post = qualification.get("accounting_post", "")
    if post and post != AccountingPost.NONE:
        text += f"；会计专业技术职务：{_label(AccountingPost, post)}"
    return text


def _education(record: ArchiveRecord, answers: dict[str, Any]) -> str:
    education = answers.get("education", {})
    level = record.education_level or education.get("level", "")
    if not level:
        return "未登记"
    parts = [str(part) for part in (education.get("school"), education.get("major")) if part]
    text = f"{_label(EducationLevel, level)}（全日制）"
    return f"{text} {' '.join(parts)}" if parts else text


def credit_line(entry: CreditEntry) -> str:
    """One printed line of an entry in effect: kind, title, who decided and when, its period."""
    kind = entry.standing
    if entry.is_blacklist:
        kind += "（严重失信名单）"
    until = f"至{entry.effective_until:%Y-%m-%d}" if entry.effective_until else "长期有效"
    number = f" {entry.document_number}" if entry.document_number else ""
    return (
        f"{kind}：{entry.title}（{entry.authority}{number}，{entry.decided_on:%Y-%m-%d}；"
        f"有效期 {entry.effective_from:%Y-%m-%d} {until}）"
    )


def snapshot_of(
    record: ArchiveRecord, entries: Sequence[CreditEntry], *, issued_on: date, expires_on: date
) -> dict[str, Any]:
    """Exactly what the extract prints (JSON), from the record's current version and its entries in
    effect; the document number masked as everywhere public."""
    answers = record.current_version.answers if record.current_version is not None else {}
    lines = [credit_line(entry) for entry in entries[:MAX_CREDIT_LINES]]
    if len(entries) > MAX_CREDIT_LINES:
        lines.append(f"其余 {len(entries) - MAX_CREDIT_LINES} 条请在查验页面查看最新档案或咨询会计管理部门")
    return {
        "full_name": record.full_name,
        "document_type": _label(DocumentType, record.document_type),
        "document_number": mask_document_number(record.document_number),
        "qualification": _qualification(record, answers),
        "education": _education(record, answers),
        "employer": record.employer_name or "无工作单位",
        "department": record.department.name,
        "credit_lines": lines,
        "issued_on": issued_on.isoformat(),
        "expires_on": expires_on.isoformat(),
    }


def fingerprint_of(record: ArchiveRecord, entries: Sequence[CreditEntry]) -> str:
    """A hash of what the extract depends on: the record's current version and its entries in effect
    (id and state). A new approved version, an entry published, corrected, withdrawn or out of its period
    all change it."""
    parts = [f"version:{record.current_version_id}"]
    parts += sorted(f"entry:{entry.pk}:{entry.state}" for entry in entries)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Verification:
    """The answer of a verification: the state in one word (``ExtractState``), the frozen snapshot, and
    the facts behind the state."""

    extract: ArchiveExtract
    state: ExtractState
    snapshot: dict[str, Any]
    expired: bool
    revoked: bool
    record_changed: bool

    @property
    def state_label(self) -> str:
        return str(self.state.label)

    @property
    def is_valid(self) -> bool:
        return self.state == ExtractState.VALID


def find_extract(code_or_uuid: str) -> ArchiveExtract | None:
    """The extract of a typed code (normalised) or of a uuid; None when there is none or the text can be
    neither."""
    text = code_or_uuid.strip()
    extracts = ArchiveExtract.objects.select_related("record")
    try:
        public_id = uuid.UUID(text)
    except ValueError:
        code = normalise_code(text)
        return extracts.filter(code=code).first() if code else None
    return extracts.filter(uuid=public_id).first()


def current_fingerprint(record: ArchiveRecord, *, today: date | None = None) -> str:
    return fingerprint_of(record, entries_in_effect(record, on=today or timezone.localdate()))


def state_of(
    extract: ArchiveExtract, *, today: date | None = None, fingerprint: str | None = None
) -> Verification:
    """The extract's state today, without recording anything (the person's own list passes the record's
    ``current_fingerprint``, worked out once for all its extracts)."""
    today = today or timezone.localdate()
    revoked = extract.revoked_at is not None
    expired = extract.expires_on < today
    if fingerprint is None:
        fingerprint = current_fingerprint(extract.record, today=today)
    record_changed = fingerprint != extract.fingerprint
    if revoked:
        state = ExtractState.REVOKED
    elif expired:
        state = ExtractState.EXPIRED
    elif record_changed:
        state = ExtractState.RECORD_CHANGED
    else:
        state = ExtractState.VALID
    return Verification(extract, state, extract.snapshot, expired, revoked, record_changed)


def verify_extract(
    code_or_uuid: str, *, channel: VerificationChannel, ip: str | None, key_name: str = ""
) -> Verification | None:
    """Verify an extract by its code or its uuid, and record the verification (``extract.verified``, with
    the address and how: the page, the QR code or an integration key's name), which the holder sees.
    None when no extract has that code (nothing is recorded: there is no holder to tell). Callers apply
    their own rate limits first."""
    extract = find_extract(code_or_uuid)
    if extract is None:
        return None
    verification = state_of(extract)
    details: dict[str, Any] = {"channel": channel.value, "state": verification.state.value}
    if key_name:
        details["key"] = key_name
    record_event(action=AuditAction.EXTRACT_VERIFIED, target=extract, ip=ip, details=details)
    return verification


def extracts_of_person(person: Any) -> QuerySet[ArchiveExtract]:
    return (
        ArchiveExtract.objects.filter(record__person=person).select_related("record").order_by("-issued_at")
    )


def extract_of_person(person: Any, extract_uuid: uuid.UUID) -> ArchiveExtract:
    """The person's own extract; one 404 for "no such extract" and "not yours"."""
    extract = (
        ArchiveExtract.objects.select_related("record")
        .filter(uuid=extract_uuid, record__person=person)
        .first()
    )
    if extract is None:
        raise Http404("No such extract")
    return extract


def mask_address(address: str | None) -> str:
    """``203.0.113.*`` / ``2001:db8:85a3:*``: enough to tell verifiers apart, not to find them."""
    if not address:
        return "未知"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "未知"
    if parsed.version == 4:
        return ".".join(address.split(".")[:3]) + ".*"
    return ":".join(parsed.exploded.split(":")[:3]) + ":*"


@dataclass(frozen=True)
class VerificationSeen:
    """One verification of an extract, as its holder sees it."""

    at: Any
    verifier: str


def verifications_of(extracts: Sequence[ArchiveExtract]) -> dict[int, list[VerificationSeen]]:
    """Who verified each extract and when (newest first), from the audit log, in one query."""
    by_uuid = {str(extract.uuid): extract.pk for extract in extracts}
    seen: dict[int, list[VerificationSeen]] = defaultdict(list)
    if not by_uuid:
        return seen
    events = AuditEvent.objects.filter(
        action=AuditAction.EXTRACT_VERIFIED, target_type=EXTRACT_TARGET_TYPE, target_id__in=list(by_uuid)
    ).order_by("-occurred_at", "-pk")
    for event in events.only("occurred_at", "target_id", "client_ip", "details"):
        details = event.details if isinstance(event.details, dict) else {}
        if details.get("channel") == VerificationChannel.API:
            verifier = f"对接系统：{details.get('key', '')}"
        else:
            channel = VerificationChannel(details.get("channel", VerificationChannel.PAGE))
            verifier = f"{channel.label}（来自 {mask_address(event.client_ip)}）"
        seen[by_uuid[event.target_id]].append(VerificationSeen(event.occurred_at, verifier))
    return seen
