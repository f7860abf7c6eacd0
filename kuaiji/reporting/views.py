"""The statistics dashboard: its tables, drawn as charts by the page's script, and the same figures as
XLSX. Both audited; both within the staff member's scope."""

import io

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from kuaiji.accounts.permissions import staff_required
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event

from . import selectors, services

CHARTED = {
    "department",
    "qualification",
    "education",
    "accounting_post",
    "employer_nature",
    "sex",
    "age",
    "months",
    "backlog",
}


@require_GET
@staff_required
def dashboard(request):
    snapshot = services.fresh_snapshot()
    figures = selectors.dashboard(request.user)
    record_event(action=AuditAction.STATISTICS_VIEWED, actor=request.user, request=request)
    charts = {
        figure.key: {"columns": figure.columns, "rows": figure.rows}
        for figure in figures
        if figure.key in CHARTED
    }
    return render(
        request,
        "reporting/dashboard.html",
        {
            "figures": figures,
            "charts": charts,
            "charted": CHARTED,
            "snapshot": snapshot,
            "max_age_minutes": int(settings.KUAIJI_STATISTICS_MAX_AGE.total_seconds() // 60),
        },
    )


@require_GET
@staff_required
def download(request):
    import xlsxwriter

    services.fresh_snapshot()
    figures = selectors.dashboard(request.user)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = workbook.add_format({"bold": True})
    for figure in figures:
        sheet = workbook.add_worksheet(figure.title[:31].replace("（", "(").replace("）", ")"))
        sheet.write_row(0, 0, figure.columns, bold)
        for index, row in enumerate(figure.rows, start=1):
            sheet.write_row(index, 0, row)
        sheet.set_column(0, len(figure.columns) - 1, 18)
    workbook.close()
    record_event(action=AuditAction.STATISTICS_EXPORTED, actor=request.user, request=request)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        content_disposition_header(True, f"统计-{timezone.localdate():%Y%m%d}.xlsx") or ""
    )
    return response
