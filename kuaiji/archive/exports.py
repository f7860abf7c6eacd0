"""What an archive export holds, from the search page's parameters: the same form, scope and masking for
the file that comes at once (``views.export``) and the one made in the background (``kuaiji.exports``)."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from . import selectors
from .forms import ArchiveSearchForm


@dataclass
class ArchiveExport:
    header: tuple[str, ...]
    rows: Iterator[tuple[str, ...]]
    count: int
    filters: dict[str, Any]  # for the audit log (a typed number masked)


def archive_export(*, staff: Any, params: Mapping[str, str], full_numbers: bool) -> ArchiveExport:
    """The records in ``staff``'s scope matching the search page's ``params``; ValidationError when the
    filters do not parse."""
    form = ArchiveSearchForm(params, staff=staff)
    if not form.is_valid():
        raise ValidationError("筛选条件不正确，请返回人员档案页面重新筛选", code="filters")
    records = selectors.search_archive(staff=staff, **form.search_filters())
    return ArchiveExport(
        header=selectors.EXPORT_HEADER,
        rows=selectors.export_rows(records, full_numbers=full_numbers),
        count=records.count(),
        filters=form.audit_filters(),
    )
