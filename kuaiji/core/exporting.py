"""A list page's export (导出), the same way for every list: the file at once up to
``KUAIJI_EXPORT_INLINE_ROWS`` rows (CSV streamed, XLSX in constant memory), else a page that offers to
make it in the background (``kuaiji.exports``, 我的导出). Whole document numbers only for those who may
and ask; every export audited with its filters and row count."""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from kuaiji.accounts.permissions import may_export_full_numbers
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event

from . import spreadsheets

# The page's own parameters, not filters.
NOT_FILTERS = ("page", "format", "document_numbers")


@dataclass
class ListExport:
    header: tuple[str, ...]
    rows: Iterator[tuple[Any, ...]]
    count: int
    filters: dict[str, Any]  # for the audit log (typed numbers masked)


def filter_params(params: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in params.items() if key not in NOT_FILTERS}


def export_response(
    request: HttpRequest,
    *,
    kind: str,
    build: Callable[..., ListExport],
    audit_action: AuditAction,
    file_stem: str,
    back_url: str,
) -> HttpResponseBase:
    """``build(staff=…, params=…, full_numbers=…)`` gives the rows; ``kind`` names them for a background
    export (``exports.constants.ExportKind``)."""
    staff = request.user
    full_numbers = request.GET.get("document_numbers") == "full"
    if full_numbers and not may_export_full_numbers(staff):
        raise PermissionDenied
    export_format = request.GET.get("format", spreadsheets.CSV)
    try:
        if export_format not in spreadsheets.FORMATS:
            raise ValidationError("导出格式不正确", code="format")
        found = build(staff=staff, params=request.GET, full_numbers=full_numbers)
    except ValidationError as error:
        return HttpResponseBadRequest(error.messages[0])
    if found.count > settings.KUAIJI_EXPORT_INLINE_ROWS:
        return render(
            request,
            "core/export_in_background.html",
            {
                "kind": kind,
                "total": found.count,
                "params": filter_params(request.GET),
                "format": export_format,
                "full_numbers": full_numbers,
                "back_url": back_url,
            },
        )
    record_event(
        action=audit_action,
        actor=staff,
        request=request,
        details={
            "filters": found.filters,
            "rows": found.count,
            "format": export_format,
            "document_numbers": "full" if full_numbers else "masked",
        },
    )
    return spreadsheets.download_response(
        header=found.header,
        rows=found.rows,
        format=export_format,
        file_name=f"{file_stem}-{timezone.localtime():%Y%m%d-%H%M}",
    )
