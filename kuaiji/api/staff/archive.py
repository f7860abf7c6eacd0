"""The personnel archive through the API: search and a record with its versions."""

from uuid import UUID

from ninja import Query

from kuaiji.archive import selectors as archive_selectors
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.collection import summary
from kuaiji.core.pagination import count_details
from kuaiji.core.validators import mask_document_number, mask_mobile, normalise_document_number

from ..auth import StaffAuth
from . import router
from .schemas import (
    ERRORS,
    StaffArchiveDetail,
    StaffArchiveFilters,
    StaffArchivePage,
)
from .shared import (
    DOCUMENT_TYPE_LABELS,
    EDUCATION_LABELS,
    QUALIFICATION_LABELS,
    VIA_API,
    _department,
    _department_in_scope,
    _sections,
    page_fields,
)

# --- the archive ------------------------------------------------------------------------------------------


def _archive_item(record) -> dict:
    return {
        "uuid": record.uuid,
        "full_name": record.full_name,
        "document_number": mask_document_number(record.document_number),
        "mobile": mask_mobile(record.mobile),
        "department": _department(record.department),
        "employer_name": record.employer_name,
        "credit_code": record.credit_code,
        "qualification_level": record.qualification_level,
        "qualification_level_label": str(
            QUALIFICATION_LABELS.get(record.qualification_level, record.qualification_level)
        ),
        "education_level": record.education_level,
        "education_level_label": str(EDUCATION_LABELS.get(record.education_level, record.education_level)),
        "updated_at": record.updated_at,
    }


@router.get("/archive", auth=StaffAuth(), response={200: StaffArchivePage, **ERRORS}, summary="人员档案查询")
def search_archive(request, filters: Query[StaffArchiveFilters]):
    """Archive records in scope matching every filter given, newest approval first, 50 a page; document
    numbers and mobiles masked. Name and employer match a part; document number and credit code exactly.
    Audited with the filters (a typed document number masked)."""
    staff = request.user
    department = _department_in_scope(staff, filters.department)
    if department is False:
        records = archive_selectors.records_visible_to(staff).none()
    else:
        records = archive_selectors.search_archive(
            staff=staff,
            name=filters.name,
            document_number=filters.document_number,
            employer=filters.employer,
            credit_code=filters.credit_code,
            qualification_level=filters.qualification_level or "",
            education_level=filters.education_level or "",
            department_id=department.pk if department else None,
        )
    page = archive_selectors.search_page(records, filters.page)
    audit_filters = {
        key: value for key, value in filters.dict(exclude={"page"}).items() if value not in ("", None)
    }
    if "document_number" in audit_filters:
        audit_filters["document_number"] = mask_document_number(
            normalise_document_number(audit_filters["document_number"])
        )
    record_event(
        action=AuditAction.ARCHIVE_SEARCHED,
        actor=staff,
        request=request,
        details={
            **VIA_API,
            "filters": {key: str(value) for key, value in audit_filters.items()},
            **count_details(page.paginator),
            "page": page.number,
        },
    )
    return {**page_fields(page), "items": [_archive_item(record) for record in page.object_list]}


def _version(version) -> dict:
    return {
        "number": version.number,
        "approved_at": version.approved_at,
        "approved_by": version.approved_by.full_name or version.approved_by.username or "",
        "submission_kind": version.revision.submission.kind,
    }


@router.get(
    "/archive/{record_uuid}",
    auth=StaffAuth(),
    response={200: StaffArchiveDetail, **ERRORS},
    summary="人员档案",
)
def archive_record(request, record_uuid: UUID):
    """A record in scope with its current version (labelled rows) and the list of its versions. Audited."""
    staff = request.user
    record = archive_selectors.get_record_for_staff(staff, record_uuid)
    versions = list(archive_selectors.versions_of(record))
    current = next((item for item in versions if item.pk == record.current_version_id), None)
    record_event(
        action=AuditAction.STAFF_VIEWED_ARCHIVE_RECORD,
        actor=staff,
        target=record,
        request=request,
        details={**VIA_API, "version": current.number if current else None},
    )
    return {
        **_archive_item(record),
        "document_type": record.document_type,
        "document_type_label": str(DOCUMENT_TYPE_LABELS.get(record.document_type, record.document_type)),
        "document_number": record.document_number,
        "mobile": record.mobile,
        "current_version": (
            {**_version(current), "sections": _sections(summary.section_rows(current.answers))}
            if current
            else None
        ),
        "versions": [_version(version) for version in versions],
    }
