"""The personnel archive (人员档案) for staff: search, a record and its versions, compare, print, export.

Every page reaches records through ``selectors`` (and so the scope layer), and every page that shows
personal data writes an audit event."""

import csv
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.permissions import has_role, staff_required
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.collection.basic_info_form import render_basic_info_form
from kuaiji.collection.constants import EducationLevel, QualificationLevel
from kuaiji.collection.pdf import sheet_for
from kuaiji.collection.sections import SECTION_FORMS
from kuaiji.collection.selectors import attachment_file_response, ordered_attachments
from kuaiji.collection.services import PORTRAIT_SLOT
from kuaiji.core.constants import DocumentType
from kuaiji.core.pagination import count_details, count_label
from kuaiji.core.validators import mask_document_number, mask_mobile

from . import selectors
from .forms import ArchiveSearchForm

# An export is for working lists, not for copying the archive: past this many rows, narrow the filters.
EXPORT_ROW_CAP = 50_000
# Roles that may export whole document numbers, and only when they ask for them (默认隐藏中间位).
FULL_NUMBER_EXPORT_ROLES = (StaffRole.PLATFORM_ADMIN, StaffRole.DEPARTMENT_ADMIN)

QUALIFICATION_LABELS = dict(QualificationLevel.choices)
EDUCATION_LABELS = dict(EducationLevel.choices)
DOCUMENT_TYPE_LABELS = dict(DocumentType.choices)


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("document_numbers", None)
    return params.urlencode()


def may_export_full_numbers(staff) -> bool:
    return any(has_role(staff, role) for role in FULL_NUMBER_EXPORT_ROLES)


@staff_required
def search(request):
    staff = request.user
    form = ArchiveSearchForm(request.GET, staff=staff)  # every filter is optional: no filters = all
    if form.is_valid():
        records = selectors.search_archive(staff=staff, **form.search_filters())
        filters = form.audit_filters()
    else:
        records = selectors.records_visible_to(staff).none()
        filters = {"invalid": sorted(form.errors)}
    page = selectors.search_page(records, request.GET.get("page"))
    rows = [
        {
            "record": record,
            "document_number": mask_document_number(record.document_number),
            "mobile": mask_mobile(record.mobile),
            "qualification": QUALIFICATION_LABELS.get(record.qualification_level, record.qualification_level),
            "education": EDUCATION_LABELS.get(record.education_level, record.education_level),
        }
        for record in page.object_list
    ]
    record_event(
        action=AuditAction.ARCHIVE_SEARCHED,
        actor=staff,
        request=request,
        details={"filters": filters, **count_details(page.paginator), "page": page.number},
    )
    return render(
        request,
        "archive/search.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "count_label": count_label(page.paginator),
            "query": _query_without_page(request),
            "export_row_cap": EXPORT_ROW_CAP,
            "may_export_full_numbers": may_export_full_numbers(staff),
        },
    )


def _record_context(record, version) -> dict:
    versions = list(selectors.versions_of(record))
    # The same version from the list, which comes with its approver and submission.
    version = next((item for item in versions if version and item.pk == version.pk), version)
    return {
        "record": record,
        "version": version,
        "document_type": DOCUMENT_TYPE_LABELS.get(record.document_type, record.document_type),
        "sections": selectors.section_rows(version.answers) if version else [],
        # The photo and the attachments the reviewer approved, in the order the review page shows them.
        "images": ordered_attachments(version.revision) if version else [],
        "versions": versions,
    }


@staff_required
def detail(request, record_uuid):
    staff = request.user
    record = selectors.get_record_for_staff(staff, record_uuid)
    version = record.current_version
    record_event(
        action=AuditAction.STAFF_VIEWED_ARCHIVE_RECORD,
        actor=staff,
        target=record,
        request=request,
        details={"version": version.number if version else None},
    )
    return render(request, "archive/record.html", {**_record_context(record, version), "is_current": True})


@staff_required
def version_detail(request, record_uuid, number):
    staff = request.user
    record = selectors.get_record_for_staff(staff, record_uuid)
    version = selectors.get_version(record, number)
    record_event(
        action=AuditAction.STAFF_VIEWED_ARCHIVE_VERSION,
        actor=staff,
        target=record,
        request=request,
        details={"version": version.number},
    )
    context = _record_context(record, version)
    context["is_current"] = version.pk == record.current_version_id
    return render(request, "archive/record.html", context)


@staff_required
def version_attachment(request, record_uuid, number, attachment_uuid):
    """An approved version's photo or attachment: the record in scope, the file one of that version's."""
    staff = request.user
    record = selectors.get_record_for_staff(staff, record_uuid)
    attachment = selectors.version_attachment(record, number, attachment_uuid)
    record_event(
        action=AuditAction.STAFF_VIEWED_ARCHIVE_ATTACHMENT,
        actor=staff,
        target=record,
        request=request,
        details={"version": number, "attachment": str(attachment.uuid), "slot": attachment.slot},
    )
    return attachment_file_response(attachment)


def _version_number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@staff_required
def compare(request, record_uuid):
    """Two versions side by side, the rows that differ marked; the older one is always on the left."""
    staff = request.user
    record = selectors.get_record_for_staff(staff, record_uuid)
    versions = list(selectors.versions_of(record))
    if not versions:
        return HttpResponseBadRequest("该档案还没有版本")
    by_number = {version.number: version for version in versions}
    latest = versions[-1]
    chosen_new = by_number.get(_version_number(request.GET.get("new")) or 0, latest)
    default_old = by_number.get(chosen_new.number - 1, versions[0])
    chosen_old = by_number.get(_version_number(request.GET.get("old")) or 0, default_old)
    old, new = sorted((chosen_old, chosen_new), key=lambda version: version.number)
    record_event(
        action=AuditAction.STAFF_COMPARED_ARCHIVE_VERSIONS,
        actor=staff,
        target=record,
        request=request,
        details={"old": old.number, "new": new.number},
    )
    sections = selectors.compare_versions(old, new)
    return render(
        request,
        "archive/compare.html",
        {
            "record": record,
            "old": old,
            "new": new,
            "versions": versions,
            "sections": sections,
            "changed_count": sum(1 for part in sections for row in part.rows if row.changed),
        },
    )


@staff_required
def version_pdf(request, record_uuid, number):
    """The personal basic information form of an approved version, as it was approved."""
    staff = request.user
    record = selectors.get_record_for_staff(staff, record_uuid)
    version = selectors.get_version(record, number)
    portrait = version.revision.attachments.filter(slot=PORTRAIT_SLOT).order_by("-created_at").first()
    portrait_jpeg = None
    if portrait is not None:
        with portrait.file.open("rb") as handle:
            portrait_jpeg = handle.read()
    answers = {key: {} for key in SECTION_FORMS} | version.answers
    sheet = sheet_for(answers, portrait_jpeg=portrait_jpeg, reference=version.revision.submission.reference)
    content = render_basic_info_form(
        sheet, site_name=settings.KUAIJI_SITE_NAME, department_name=settings.KUAIJI_DEPARTMENT_NAME
    )
    record_event(
        action=AuditAction.STAFF_PRINTED_ARCHIVE_VERSION,
        actor=staff,
        target=record,
        request=request,
        details={"version": version.number},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="basic-info-form-v{version.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def _spreadsheet_safe(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in Excel; text typed by applicants is quoted.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


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


def _export_lines(rows, *, full_numbers: bool, truncated: bool) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # the BOM tells Excel the file is UTF-8
    yield writer.writerow(EXPORT_HEADER)
    for name, number, department, employer, credit_code, qualification, education, updated in rows:
        yield writer.writerow(
            (
                _spreadsheet_safe(name),
                number if full_numbers else mask_document_number(number),
                department,
                _spreadsheet_safe(employer),
                credit_code,
                QUALIFICATION_LABELS.get(qualification, qualification),
                EDUCATION_LABELS.get(education, education),
                timezone.localtime(updated).strftime("%Y-%m-%d %H:%M"),
            )
        )
    if truncated:
        yield writer.writerow(
            (f"（结果超过 {EXPORT_ROW_CAP} 条，仅导出前 {EXPORT_ROW_CAP} 条，请缩小筛选范围分批导出）",)
        )


@staff_required
def export(request):
    """The search results within scope as CSV, at most ``EXPORT_ROW_CAP`` rows, streamed.

    Document numbers are masked unless a 平台管理员 or 部门管理员 asks for whole numbers
    (``document_numbers=full``); anyone else asking gets 403. Audited with the filters and row count."""
    staff = request.user
    full_numbers = request.GET.get("document_numbers") == "full"
    if full_numbers and not may_export_full_numbers(staff):
        raise PermissionDenied
    form = ArchiveSearchForm(request.GET, staff=staff)
    if not form.is_valid():
        return HttpResponseBadRequest("筛选条件不正确，请返回人员档案页面重新筛选")
    records = selectors.search_archive(staff=staff, **form.search_filters())
    total = records.count()
    row_count = min(total, EXPORT_ROW_CAP)
    record_event(
        action=AuditAction.ARCHIVE_EXPORTED,
        actor=staff,
        request=request,
        details={
            "filters": form.audit_filters(),
            "rows": row_count,
            "truncated": total > EXPORT_ROW_CAP,
            "document_numbers": "full" if full_numbers else "masked",
        },
    )
    rows = records.values_list(
        "full_name",
        "document_number",
        "department__name",
        "employer_name",
        "credit_code",
        "qualification_level",
        "education_level",
        "updated_at",
    )[:EXPORT_ROW_CAP].iterator(chunk_size=2000)
    response = StreamingHttpResponse(
        _export_lines(rows, full_numbers=full_numbers, truncated=total > EXPORT_ROW_CAP),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="archive-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
