"""What an archive export holds, from the search page's parameters: the same form, scope and masking for
the file that comes at once (``views.export``) and the one made in the background (``kuaiji.exports``)."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from kuaiji.core.exporting import ListExport

from . import selectors
from .forms import ArchiveSearchForm


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
