"""The personnel archive (人员档案) for staff: search, a record and its versions, compare, print, export.

Every page reaches records through ``selectors`` (and so the scope layer), and every page that shows
personal data writes an audit event."""

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from kuaiji.accounts.permissions import may_export_full_numbers, staff_required
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.collection.basic_info_form import render_basic_info_form
from kuaiji.collection.constants import EducationLevel, QualificationLevel
from kuaiji.collection.pdf import sheet_for
from kuaiji.collection.sections import SECTION_FORMS
from kuaiji.collection.selectors import attachment_file_response, ordered_attachments
from kuaiji.collection.services import PORTRAIT_SLOT
from kuaiji.core.constants import DocumentType
from kuaiji.core.exporting import export_response, filter_params
from kuaiji.core.pagination import count_details, count_label
from kuaiji.core.validators import mask_document_number, mask_mobile

from . import selectors
from .exports import DEPARTMENT_FILE_STEM, archive_export, department_export, department_in_scope
from .forms import ArchiveSearchForm

QUALIFICATION_LABELS = dict(QualificationLevel.choices)
EDUCATION_LABELS = dict(EducationLevel.choices)
DOCUMENT_TYPE_LABELS = dict(DocumentType.choices)


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("document_numbers", None)
    return params.urlencode()


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
            "department_options": form.department_options(),
            "rows": rows,
            "page": page,
            "count_label": count_label(page.paginator),
            "query": _query_without_page(request),
            # The search's filters, for its export form (which sends them along with the format).
            "export_params": filter_params(request.GET),
            "export_inline_rows": settings.KUAIJI_EXPORT_INLINE_ROWS,
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


@require_GET
@staff_required
def export(request):
    """The search results within scope as XLSX or CSV, every row (``core.exporting``)."""
    return export_response(
        request,
        kind="archive_search",
        build=archive_export,
        audit_action=AuditAction.ARCHIVE_EXPORTED,
        file_stem="archive",
        back_url=reverse("archive:search"),
    )


@require_GET
@staff_required
def department_export_view(request):
    """部门人员导出: the personnel of the staff member's department or one below it, as XLSX or CSV
    (``core.exporting``); the same 404 for another region's department as for one that does not exist."""
    if department_in_scope(request.user, request.GET.get("department", "")) is None:
        raise Http404
    return export_response(
        request,
        kind="department_personnel",
        build=department_export,
        audit_action=AuditAction.ARCHIVE_EXPORTED,
        file_stem=DEPARTMENT_FILE_STEM,
        back_url=reverse("archive:search"),
    )
