"""Reads over import batches: the summary and progress the page and the command show, the problem lines,
and the refused-rows workbook the clerk fixes in Excel and imports again."""

import io
import tempfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .constants import NOT_IMPORTED, REASON_LABELS, BatchState, RowOutcome
from .models import ImportBatch, ImportRow

OUTCOME_ORDER = (
    RowOutcome.IMPORTED,
    RowOutcome.VALID,
    RowOutcome.UNCHANGED,
    RowOutcome.REFUSED,
    RowOutcome.DUPLICATE,
    RowOutcome.CONFLICT,
)
REASON_COLUMN = "不予导入的原因"


@dataclass(frozen=True)
class BatchSummary:
    state: str
    state_label: str
    outcomes: list[tuple[str, int]]  # (label, count), in OUTCOME_ORDER, zeros left out
    reasons: list[tuple[str, int]]  # (label, count), most frequent first
    done: int  # lines checked (while checking) or imported (while importing)
    total: int  # lines to check (unknown while checking: 0) or to import
    percent: int
    rows_per_second: float | None
    seconds_left: int | None
    stalled: bool


def batch_summary(batch: ImportBatch, *, now: datetime | None = None) -> BatchSummary:
    """Where the batch stands, with the progress of the step that is running (rate and time left from
    the start of that step)."""
    from .services import is_stalled

    now = now or timezone.now()
    outcomes = [
        (str(RowOutcome(outcome).label), batch.outcome_counts.get(outcome, 0))
        for outcome in OUTCOME_ORDER
        if batch.outcome_counts.get(outcome, 0)
    ]
    reasons = sorted(
        ((str(REASON_LABELS.get(code, code)), count) for code, count in batch.reason_counts.items()),
        key=lambda item: -item[1],
    )
    since: datetime | None
    if batch.state == BatchState.CHECKING:
        done, total, since = batch.rows_checked, 0, batch.created_at
    elif batch.state in (BatchState.IMPORTING, BatchState.DONE):
        done, total, since = batch.rows_imported, batch.rows_to_import, batch.import_started_at
    else:
        done, total, since = batch.rows_checked, batch.rows_total, None
    percent = 100 if batch.state == BatchState.DONE else int(done * 100 / total) if total else 0
    rate = seconds_left = None
    if since is not None and batch.state in (BatchState.CHECKING, BatchState.IMPORTING) and done:
        elapsed = max((now - since).total_seconds(), 0.001)
        rate = done / elapsed
        if total:
            seconds_left = int(max(total - done, 0) / rate)
    return BatchSummary(
        state=batch.state,
        state_label=str(BatchState(batch.state).label),
        outcomes=outcomes,
        reasons=reasons,
        done=done,
        total=total,
        percent=min(percent, 100),
        rows_per_second=rate,
        seconds_left=seconds_left,
        stalled=is_stalled(batch, now=now),
    )


def problem_rows(batch: ImportBatch) -> QuerySet[ImportRow]:
    """The lines not imported, and those imported with a note (a phone dropped), in file order."""
    return (
        ImportRow.objects.filter(batch=batch)
        .filter(Q(outcome__in=NOT_IMPORTED) | ~Q(note=""))
        .order_by("line")
    )


def problem_rows_xlsx(batch: ImportBatch) -> bytes:
    """The refused lines as they were in the file (header first), with a last column saying why and the
    line they came from: the clerk corrects them and imports this file again. Written with xlsxwriter's
    constant-memory mode, a row at a time."""
    import xlsxwriter

    with tempfile.TemporaryFile() as spool:
        workbook = xlsxwriter.Workbook(spool, {"constant_memory": True, "in_memory": False})
        sheet = workbook.add_worksheet("不予导入")
        text = workbook.add_format({"num_format": "@"})  # numbers stay text: no 6.30102E+17 again
        headers = [*batch.headers, REASON_COLUMN, "原行号"]
        sheet.write_row(0, 0, headers)
        sheet.set_column(0, len(batch.headers) - 1, 18, text)
        sheet.set_column(len(batch.headers), len(batch.headers), 60)
        for index, row in enumerate(
            problem_rows(batch).only("line", "cells", "reason", "note", "column").iterator(2000), start=1
        ):
            cells: list[Any] = list(row.cells) + [""] * (len(batch.headers) - len(row.cells))
            reason = f"{row.column}：{row.reason}" if row.reason else row.note
            for column, value in enumerate(cells[: len(batch.headers)]):
                sheet.write_string(index, column, str(value), text)
            sheet.write_string(index, len(batch.headers), reason)
            sheet.write_number(index, len(batch.headers) + 1, row.line)
        workbook.close()
        spool.seek(0)
        buffer = io.BytesIO(spool.read())
    return buffer.getvalue()
