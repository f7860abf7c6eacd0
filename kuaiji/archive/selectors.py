"""Reading the archive. Every archive page, export and API call reaches records through
``records_visible_to`` (and so through department scope, ``kuaiji.regions.scope``)."""

import uuid
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from kuaiji.collection import summary
from kuaiji.core.db import using_replica
from kuaiji.core.pagination import capped_page
from kuaiji.core.validators import mask_document_number, normalise_document_number
from kuaiji.regions.scope import department_ids_in_scope

from .models import ArchiveRecord, ArchiveVersion

PAGE_SIZE = 50
# A name or employer search matches a part of the text, so counting its matches reads the names in scope
# one by one: at a province's million, counting to 10,000 common-surname matches reads half of them. The
# archive counts to 2,000 (40 pages), past which the page asks to narrow the filters.
COUNT_CAP: int = getattr(settings, "KUAIJI_ARCHIVE_COUNT_CAP", 2_000)
# What a row of the search shows (the page and the API): never a version's answers JSON.
ARCHIVE_ROW_FIELDS = (
    "uuid",
    "full_name",
    "document_number",
    "mobile",
    "department",
    "department__name",
    "department__division_id",
    "employer_name",
    "credit_code",
    "qualification_level",
    "education_level",
    "updated_at",
    "current_version",
    "current_version__number",
)


def records_visible_to(staff: Any) -> QuerySet[ArchiveRecord]:
    """The archive records managed by a department in the staff member's scope."""
    return ArchiveRecord.objects.filter(department__in=department_ids_in_scope(staff))


def search_archive(
    *,
    staff: Any,
    name: str = "",
    document_number: str = "",
    employer: str = "",
    credit_code: str = "",
    qualification_level: str = "",
    education_level: str = "",
    department_id: int | None = None,
) -> QuerySet[ArchiveRecord]:
    """Records in scope matching every filter given (blank filters are ignored), newest approval first.

    Name and employer match a part of the text; document number (upper-cased) and credit code match
    exactly, so a list cannot be used to guess a number digit by digit. A department outside the
    scope simply gives no rows.
    """
    records = records_visible_to(staff).select_related("department", "current_version")
    if name := name.strip():
        records = records.filter(full_name__contains=name)
    if document_number := normalise_document_number(document_number):
        records = records.filter(document_number=document_number)
    if employer := employer.strip():
        records = records.filter(employer_name__contains=employer)
    if credit_code := credit_code.strip().upper():
        records = records.filter(credit_code=credit_code)
    if qualification_level:
        records = records.filter(qualification_level=qualification_level)
    if education_level:
        records = records.filter(education_level=education_level)
    if department_id is not None:
        records = records.filter(department_id=department_id)
    return records.order_by("-updated_at", "id")


EXPORT_HEADER = (
    "姓名",
    "证件号码",
    "会计管理部门",
    "工作单位",
    "统一社会信用代码",
    "专业技术资格",
    "全日制学历",
    "最近审核通过时间",
)


def export_rows(records: QuerySet[ArchiveRecord], *, full_numbers: bool) -> Iterator[tuple[str, ...]]:
    """``records`` (from ``search_archive``) as the export's rows, read 2,000 at a time: document numbers
    masked unless ``full_numbers``, labels instead of codes, the time of the last approval."""
    from kuaiji.collection.constants import EducationLevel, QualificationLevel

    qualifications, educations = dict(QualificationLevel.choices), dict(EducationLevel.choices)
    rows = records.values_list(
        "full_name",
        "document_number",
        "department__name",
        "employer_name",
        "credit_code",
        "qualification_level",
        "education_level",
        "updated_at",
    ).iterator(chunk_size=2000)
    for name, number, department, employer, credit_code, qualification, education, updated in rows:
        yield (
            name,
            number if full_numbers else mask_document_number(number),
            department,
            employer,
            credit_code,
            str(qualifications.get(qualification, qualification)),
            str(educations.get(education, education)),
            timezone.localtime(updated).strftime("%Y-%m-%d %H:%M"),
        )


def _archive_row(records: QuerySet[ArchiveRecord]) -> QuerySet[ArchiveRecord]:
    return records.select_related("department", "current_version").only(*ARCHIVE_ROW_FIELDS)


def search_page(records: QuerySet[ArchiveRecord], page: Any) -> Page[ArchiveRecord]:
    """One page of ``records`` (from ``search_archive``; an invalid or too-large page number gives the
    nearest page): a count that stops at ``COUNT_CAP``, the page's ids (an index-only read of
    ``archive_updated_name``), then the page's rows with what a row shows; one page's worth of matches
    is read at once. At most three queries whatever the scope. Read from the replica when one is
    configured (``core.db.using_replica``): a search may lag a few seconds behind an approval."""
    with using_replica():
        return capped_page(records, page, per_page=PAGE_SIZE, cap=COUNT_CAP, shape=_archive_row)


def get_record_for_staff(staff: Any, record_id_or_uuid: int | uuid.UUID | str) -> ArchiveRecord:
    """The record, or the same 404 whether it does not exist or is outside the staff member's scope.

    Pages pass the public uuid; an integer primary key is accepted for internal callers only."""
    records = records_visible_to(staff).select_related("department", "current_version", "person")
    if isinstance(record_id_or_uuid, int) and not isinstance(record_id_or_uuid, bool):
        record = records.filter(pk=record_id_or_uuid).first()
    else:
        try:
            public_id = (
                record_id_or_uuid
                if isinstance(record_id_or_uuid, uuid.UUID)
                else uuid.UUID(str(record_id_or_uuid))
            )
        except ValueError:
            raise Http404 from None
        record = records.filter(uuid=public_id).first()
    if record is None:
        raise Http404
    return record


def versions_of(record: ArchiveRecord) -> QuerySet[ArchiveVersion]:
    """The record's versions, oldest first, with who approved them and the submission they came from."""
    return record.versions.select_related("approved_by", "revision__submission").order_by("number")


def get_version(record: ArchiveRecord, number: int) -> ArchiveVersion:
    """One version of a record already reached through ``get_record_for_staff``; 404 if there is none."""
    version = versions_of(record).filter(number=number).first()
    if version is None:
        raise Http404
    return version


def section_rows(answers: dict[str, Any]) -> list[summary.Section]:
    """A version's answers as labelled rows, section by section (``kuaiji.collection.summary``)."""
    return summary.section_rows(answers)


def compare_versions(old: ArchiveVersion, new: ArchiveVersion) -> list[summary.SectionDifference]:
    """Each section's rows as ``(label, old value, new value, changed)``, repeated rows (工作经历,
    非全日制学历) matched entry by entry; a row in one version only is None on the other side."""
    return summary.answers_difference(old.answers, new.answers)


def version_attachment(record: ArchiveRecord, number: int, attachment_uuid: Any) -> Any:
    """An attachment of the revision a version of ``record`` was approved from (the record already
    reached through ``get_record_for_staff``); the same 404 for any other file."""
    version = get_version(record, number)
    attachment = version.revision.attachments.filter(uuid=attachment_uuid).first()
    if attachment is None:
        raise Http404
    return attachment
