"""Reading the archive. Every archive page, export and API call reaches records through
``records_visible_to`` (and so through department scope, ``kuaiji.regions.scope``)."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Page
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from kuaiji.collection import summary
from kuaiji.core.db import using_replica
from kuaiji.core.pagination import capped_page
from kuaiji.core.statements import columns, instances
from kuaiji.core.validators import mask_document_number, normalise_document_number
from kuaiji.regions.scope import department_ids_in_scope

from .constants import CollectionStanding
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


# --- a person's standing, by document (other systems and the public lookup) ------------------------------

NO_SUBMISSION = "none"
_STANDING_RECORD_FIELDS = ("id", "uuid", "full_name", "qualification_level", "updated_at", "department_id")


@dataclass(frozen=True)
class PersonStanding:
    """What the platform holds about the person with one document: their archive record (only the columns
    an outside answer shows), the state and department of their latest submission, and the name on their
    applicant account (for a person with no record yet)."""

    record: ArchiveRecord | None
    approved_at: datetime | None
    latest_status: str | None
    latest_department_id: int | None
    account_name: str | None

    @property
    def completed(self) -> bool:
        return self.record is not None

    @property
    def submission_status(self) -> str:
        """The latest submission's status (draft/pending/approved/returned/refused), or ``none``."""
        return self.latest_status or NO_SUBMISSION

    @property
    def standing(self) -> CollectionStanding:
        if self.record is not None:
            return CollectionStanding.COMPLETED
        if self.latest_status == "pending":
            return CollectionStanding.IN_REVIEW
        return CollectionStanding.NOT_COMPLETED

    @property
    def department_id(self) -> int | None:
        """The archive's department, else the one the latest submission went to."""
        return self.record.department_id if self.record is not None else self.latest_department_id

    @property
    def name_on_file(self) -> str | None:
        """The approved name of the record, else the applicant account's."""
        return self.record.full_name if self.record is not None else self.account_name


@cache
def _standing_sql() -> str:
    """The archive record (only what an answer shows: the archived answers, a JSON document per version,
    stay in the database), the latest submission and the applicant account of one document, in one
    statement: a row whose record columns are NULL when the document has no record. Written out, not
    built by the ORM: exam systems ask this for every candidate, and compiling the queries cost more than
    the database's answers (bench/api_bench.py, KUAIJI_BENCH_PROFILE)."""
    from kuaiji.collection.models import Submission

    quote = connection.ops.quote_name
    records, versions = ArchiveRecord._meta.db_table, ArchiveVersion._meta.db_table
    submissions, users = Submission._meta.db_table, get_user_model()._meta.db_table
    return (
        f"SELECT {columns(ArchiveRecord, 'r', _STANDING_RECORD_FIELDS)}, v.approved_at, l.status, "
        f"l.department_id, p.full_name "
        f"FROM (SELECT 1 AS one) AS one "
        f"LEFT JOIN {quote(records)} r ON r.document_type = %s AND r.document_number = %s "
        f"LEFT JOIN {quote(versions)} v ON v.id = r.current_version_id "
        f"LEFT JOIN {quote(users)} p ON p.document_type = %s AND p.document_number = %s "
        f"AND p.account_type = %s "
        f"LEFT JOIN (SELECT s.status, s.department_id FROM {quote(submissions)} s "
        f"JOIN {quote(users)} u ON u.id = s.applicant_id WHERE u.document_type = %s AND u.document_number = %s "
        f"ORDER BY s.created_at DESC, s.id DESC LIMIT 1) l ON 1 = 1"
    )


def person_standing(*, document_type: str, document_number: str) -> PersonStanding:
    """The standing of the person holding a document (``document_number`` already cleaned), in one
    statement. The caller decides who may know it and audits the read."""
    from kuaiji.accounts.constants import AccountType

    document = (document_type, document_number)
    (row,) = instances(
        ArchiveRecord,
        _standing_sql(),
        # the record's, the (applicant) account's, the latest submission's
        [*document, *document, AccountType.APPLICANT, *document],
        only=_STANDING_RECORD_FIELDS,
        extra=(
            ("approved_at", ArchiveVersion._meta.get_field("approved_at")),
            "latest_status",
            "latest_department_id",
            "account_name",
        ),
    )
    record = None if row.pk is None else row
    approved_at = getattr(row, "approved_at", None)
    if record is not None and approved_at is None:
        approved_at = record.updated_at
    return PersonStanding(
        record=record,
        approved_at=approved_at if record is not None else None,
        latest_status=getattr(row, "latest_status", None) or None,
        latest_department_id=getattr(row, "latest_department_id", None),
        account_name=getattr(row, "account_name", None),
    )
