"""The import pages: upload a register, confirm its columns, watch the check and the import, download the
refused lines. Every step is a service; the pages only show and ask."""

from functools import wraps
from itertools import islice

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kuaiji.accounts.permissions import staff_required
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core.validators import mask_document_number

from . import selectors, services
from .constants import BatchState
from .forms import MappingForm, UploadForm
from .models import ImportBatch
from .permissions import may_import
from .reading import read_table

PROBLEM_ROWS_SHOWN = 50
PREVIEW_ROWS = 5


def import_required(view):
    @staff_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_import(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@require_http_methods(["GET", "POST"])
@import_required
def batch_list(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.upload_register(handle=upload, name=upload.name, created_by=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("imports:detail", batch_uuid=batch.uuid)
    batches = ImportBatch.objects.select_related("created_by").order_by("-created_at")[:50]
    return render(
        request, "imports/list.html", {"form": form, "batches": batches}, status=400 if form.errors else 200
    )


def _batch(batch_uuid) -> ImportBatch:
    return get_object_or_404(ImportBatch, uuid=batch_uuid)


@require_http_methods(["GET", "POST"])
@import_required
def batch_detail(request, batch_uuid):
    batch = _batch(batch_uuid)
    mapping_form = None
    stalled_check = batch.state == BatchState.CHECKING and services.is_stalled(batch)
    if batch.state in (BatchState.UPLOADED, BatchState.CHECKED) or stalled_check or request.method == "POST":
        initial = {name: str(index) for name, index in batch.column_mapping.items()}
        mapping_form = MappingForm(request.POST or None, headers=batch.headers, initial=initial)
        if request.method == "POST" and mapping_form.is_valid():
            try:
                services.confirm_mapping(batch, mapping=mapping_form.mapping(), by=request.user)
            except ValidationError as error:
                mapping_form.add_error(None, error)
            else:
                return redirect("imports:detail", batch_uuid=batch.uuid)
    record_event(action=AuditAction.LEGACY_IMPORT_VIEWED, actor=request.user, target=batch, request=request)
    problems = [
        {
            "row": row,
            "name": row.values.get("full_name") or _cell(batch, row, "full_name"),
            "number": _masked_number(batch, row),
        }
        for row in selectors.problem_rows(batch)[:PROBLEM_ROWS_SHOWN]
    ]
    return render(
        request,
        "imports/detail.html",
        {
            "batch": batch,
            "summary": selectors.batch_summary(batch),
            "mapping_form": mapping_form,
            "preview": _preview(batch) if batch.state == BatchState.UPLOADED else None,
            "problems": problems,
            "problems_shown": PROBLEM_ROWS_SHOWN,
        },
        status=400 if mapping_form is not None and mapping_form.errors else 200,
    )


def _cell(batch: ImportBatch, row, field: str) -> str:
    index = batch.column_mapping.get(field)
    return str(row.cells[index]) if index is not None and index < len(row.cells) else ""


def _masked_number(batch: ImportBatch, row) -> str:
    number = row.values.get("document_number") or _cell(batch, row, "document_number")
    return mask_document_number(number) if number else ""


def _preview(batch: ImportBatch) -> list[list[str]]:
    """The first lines under the header, numbers masked, so the operator sees which column is which."""
    from .rows import cell_text

    number_column = batch.column_mapping.get("document_number")
    with batch.file.open("rb") as handle:
        table = read_table(handle, name=batch.file_name)
        lines = []
        for _, cells in islice(table.rows, PREVIEW_ROWS):
            texts = [cell_text(cell) for cell in cells]
            if number_column is not None and number_column < len(texts):
                texts[number_column] = mask_document_number(texts[number_column])
            lines.append(texts)
    return lines


@require_GET
@import_required
def batch_progress(request, batch_uuid):
    """What the page's progress bar polls (no audit row: it shows counts, no person)."""
    summary = selectors.batch_summary(_batch(batch_uuid))
    return JsonResponse(
        {
            "state": summary.state,
            "state_label": summary.state_label,
            "done": summary.done,
            "total": summary.total,
            "percent": summary.percent,
            "rows_per_second": round(summary.rows_per_second or 0),
            "seconds_left": summary.seconds_left,
            "stalled": summary.stalled,
        }
    )


@require_POST
@import_required
def start_import(request, batch_uuid):
    batch = _batch(batch_uuid)
    try:
        services.start_import(batch, by=request.user)
    except ValidationError as error:  # already running, or not checked yet: said above the state
        messages.info(request, error.messages[0])
    return redirect("imports:detail", batch_uuid=batch.uuid)


@require_GET
@import_required
def refused_rows(request, batch_uuid):
    batch = _batch(batch_uuid)
    content = selectors.problem_rows_xlsx(batch)
    record_event(
        action=AuditAction.LEGACY_IMPORT_REPORT_DOWNLOADED,
        actor=request.user,
        target=batch,
        request=request,
        details={"rows": selectors.problem_rows(batch).count()},
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stem = batch.file_name.rsplit(".", 1)[0]
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}-不予导入.xlsx") or ""
    return response
