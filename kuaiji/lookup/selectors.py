"""证明查验 / 公开查询: what anyone who knows a person's name and document number may learn about them.

``public_lookup`` is the one read the public page and the integration API both make (decision 0030)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from kuaiji.archive.constants import CollectionStanding
from kuaiji.archive.models import ArchiveRecord
from kuaiji.archive.selectors import person_standing
from kuaiji.collection.constants import QualificationLevel
from kuaiji.core.constants import DocumentType
from kuaiji.core.validators import mask_document_number, normalise_document_number
from kuaiji.credit.constants import AwardLevel, CreditKind, PenaltyType
from kuaiji.credit.models import CreditEntry
from kuaiji.credit.selectors import entries_in_effect
from kuaiji.recognition.matching import normalise_name
from kuaiji.regions.selectors import department_by_pk

QUALIFICATION_LABELS = dict(QualificationLevel.choices)
DOCUMENT_TYPE_LABELS = dict(DocumentType.choices)
KIND_LABELS = dict(CreditKind.choices)
LEVEL_LABELS = {**dict(AwardLevel.choices), **dict(PenaltyType.choices)}


@dataclass(frozen=True)
class PublicCreditEntry:
    """What a public notice of a credit entry shows: never its legal basis text, scan, or who recorded it."""

    kind: str
    kind_label: str
    title: str
    level: str  # the award's level or the penalty's type
    level_label: str
    authority: str
    document_number: str
    decided_on: date
    effective_from: date
    effective_until: date | None
    is_blacklist: bool

    @classmethod
    def of(cls, entry: CreditEntry) -> PublicCreditEntry:
        level = entry.award_level if entry.kind == CreditKind.AWARD else entry.penalty_type
        return cls(
            kind=entry.kind,
            kind_label=str(KIND_LABELS.get(entry.kind, entry.kind)),
            title=entry.title,
            level=level,
            level_label=str(LEVEL_LABELS.get(level, level)) if level else "",
            authority=entry.authority,
            document_number=entry.document_number,
            decided_on=entry.decided_on,
            effective_from=entry.effective_from,
            effective_until=entry.effective_until,
            is_blacklist=entry.is_blacklist,
        )


@dataclass(frozen=True)
class LookupAnswer:
    """The public answer about one person: the name as typed, the number masked, where they stand in the
    information collection, their qualification level, the department holding the record and the credit
    entries in effect. ``record`` is for the audit event only; it is never shown."""

    full_name: str
    document_type: str
    document_type_label: str
    masked_document_number: str
    standing: CollectionStanding
    standing_label: str
    qualification_level: str | None
    qualification_level_label: str | None
    department_name: str | None
    credit_entries: tuple[PublicCreditEntry, ...]
    record: ArchiveRecord | None = field(default=None, repr=False, compare=False)


def same_name(typed: str, on_file: str) -> bool:
    """Whether a typed name is the one on file, compared as the card reading compares a name with the card
    (``recognition.matching.normalise_name``: NFKC, simplified forms, no spaces, one middle dot), and
    Latin letters in either case."""
    return bool(on_file) and normalise_name(typed).casefold() == normalise_name(on_file).casefold()


def public_entry(entry: CreditEntry) -> bool:
    """Whether a published entry in effect is public (``CreditEntry.is_public``)."""
    return entry.is_public


def public_lookup(
    *, full_name: str, document_type: str, document_number: str, on: date | None = None
) -> LookupAnswer | None:
    """The person holding this document, only when the name on file is ``full_name`` too (``same_name``); None otherwise, so a number with another name answers exactly
    as a number nobody holds. The name on file is the archive record's (its approved name), else the
    applicant account's for a person with no record yet.

    ``document_number`` should be valid (``clean_document_number``). No permission is checked and nothing
    is counted or audited here: ``services.look_up_person`` does both, for the page and the API."""
    number = normalise_document_number(document_number)
    standing = person_standing(document_type=document_type, document_number=number)
    on_file = standing.name_on_file
    if on_file is None or not same_name(full_name, on_file):
        return None
    record = standing.record
    entries: tuple[PublicCreditEntry, ...] = ()
    if record is not None:
        day = on or timezone.localdate()
        entries = tuple(PublicCreditEntry.of(e) for e in entries_in_effect(record, on=day) if public_entry(e))
    level = record.qualification_level if record is not None and record.qualification_level else None
    department = department_by_pk(standing.department_id) if standing.department_id is not None else None
    return LookupAnswer(
        full_name=full_name,
        document_type=document_type,
        document_type_label=str(DOCUMENT_TYPE_LABELS.get(document_type, document_type)),
        masked_document_number=mask_document_number(number),
        standing=standing.standing,
        standing_label=str(standing.standing.label),
        qualification_level=level,
        qualification_level_label=str(QUALIFICATION_LABELS.get(level, level)) if level else None,
        department_name=department.name if department is not None else None,
        credit_entries=entries,
        record=record,
    )
