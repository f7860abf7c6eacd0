"""What an archive export holds: the search page's results (``archive_export``) or one department's
personnel (``department_export``, 部门人员导出). Both are ``selectors.search_archive`` read by
``selectors.export_rows``, so the scope, order and masking are the search's, for the file that comes at
once (``views``) and the one made in the background (``kuaiji.exports``)."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from kuaiji.core.exporting import ListExport
from kuaiji.regions.models import Department
from kuaiji.regions.scope import scope_departments

from . import selectors
from .forms import ArchiveSearchForm

DEPARTMENT_FILE_STEM = "department-personnel"


def archive_export(*, staff: Any, params: Mapping[str, str], full_numbers: bool) -> ListExport:
    """The records in ``staff``'s scope matching the search page's ``params``; ValidationError when the
    filters do not parse."""
    form = ArchiveSearchForm(params, staff=staff)
    if not form.is_valid():
        raise ValidationError("筛选条件不正确，请返回人员档案页面重新筛选", code="filters")
    records = selectors.search_archive(staff=staff, **form.search_filters())
    return ListExport(
        header=selectors.EXPORT_HEADER,
        rows=selectors.export_rows(records, full_numbers=full_numbers),
        count=records.count(),
        filters=form.audit_filters(),
    )


def department_in_scope(staff: Any, department_id: Any) -> Department | None:
    """The department in ``staff``'s scope whose id is ``department_id`` (as the search page's
    ``department`` parameter gives it); None for any other value. No query: the scope is read once a
    request (``regions.scope``)."""
    return next((item for item in scope_departments(staff) if str(item.pk) == str(department_id)), None)


def department_export(*, staff: Any, params: Mapping[str, str], full_numbers: bool) -> ListExport:
    """The personnel a department in ``staff``'s scope manages (``params["department"]``, its id): the
    rows the search filtered by that department gives. ValidationError when the department is not in the
    scope (now: a background export is made with the scope of the moment it is made)."""
    department = department_in_scope(staff, params.get("department", ""))
    if department is None:
        raise ValidationError("只能导出本部门或下级部门的人员", code="department")
    records = selectors.search_archive(staff=staff, department_id=department.pk)
    return ListExport(
        header=selectors.EXPORT_HEADER,
        rows=selectors.export_rows(records, full_numbers=full_numbers),
        count=records.count(),
        filters={"department_id": department.pk, "department": department.name},
    )
