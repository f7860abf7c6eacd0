"""The import: the valid lines a chunk per transaction, resumable."""

from functools import cache
from typing import Any

from django.db import connection, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from kuaiji.accounts.models import LegacyHolder, User
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event

from ..constants import BatchState, RowOutcome
from ..models import ImportBatch, ImportRow
from .checking import _counts
from .common import CHUNK_ROWS, STALLED_AFTER, ImportStateError, Progress, _enqueue, _header

# --- the import --------------------------------------------------------------------------------------------


def is_stalled(batch: ImportBatch, *, now: Any = None) -> bool:
    """An import (or a check) that has made no progress for ``STALLED_AFTER``: its worker stopped."""
    if batch.state not in (BatchState.IMPORTING, BatchState.CHECKING):
        return False
    last = batch.progress_at or batch.import_started_at or batch.created_at
    return (now or timezone.now()) - last > STALLED_AFTER


def start_import(batch: ImportBatch, *, by: User | None = None, enqueue: bool = True) -> ImportBatch:
    """Queue the import of the checked batch's valid lines (``enqueue=False``: the caller runs
    ``import_batch`` itself); also resumes one that stopped midway."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        resuming = batch.state == BatchState.IMPORTING
        if resuming and not is_stalled(batch):
            raise ImportStateError("正在导入，请稍候", code="running")
        if not resuming and batch.state != BatchState.CHECKED:
            raise ImportStateError("请先确认列映射并完成检查", code="state")
        batch.state = BatchState.IMPORTING
        batch.import_started_at = batch.import_started_at or timezone.now()
        batch.progress_at = timezone.now()
        batch.save(update_fields=["state", "import_started_at", "progress_at"])
        record_event(
            action=AuditAction.LEGACY_IMPORT_STARTED,
            actor=by,
            target=batch,
            details={
                "resumed": resuming,
                "rows_to_import": batch.rows_to_import,
                "done": batch.rows_imported,
            },
        )
        if enqueue:
            transaction.on_commit(lambda: _enqueue("import_batch_task", batch.pk))
    return batch


def import_batch(
    batch_pk: int, *, chunk_rows: int = CHUNK_ROWS, progress: Progress | None = None
) -> ImportBatch:
    """Import the batch's lines still VALID, a chunk per transaction, until none is left; then DONE."""
    while (done := _import_chunk(batch_pk, chunk_rows=chunk_rows)) is not None:
        if progress is not None:
            progress(done)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_pk)
        if batch.state == BatchState.IMPORTING:
            batch.outcome_counts = _counts(batch, "outcome")
            batch.state = BatchState.DONE
            batch.finished_at = timezone.now()
            batch.save(update_fields=["outcome_counts", "state", "finished_at"])
            record_event(
                action=AuditAction.LEGACY_IMPORTED,
                actor=batch.created_by,
                target=batch,
                details={
                    "source_file": batch.file_name,
                    "sha256": batch.sha256,
                    "mapping": batch.column_mapping,
                    "imported": batch.outcome_counts.get(RowOutcome.IMPORTED, 0),
                    "unchanged": batch.outcome_counts.get(RowOutcome.UNCHANGED, 0),
                    "refused": batch.outcome_counts.get(RowOutcome.REFUSED, 0),
                    "duplicate": batch.outcome_counts.get(RowOutcome.DUPLICATE, 0),
                    "conflicting": batch.outcome_counts.get(RowOutcome.CONFLICT, 0),
                },
            )
    return batch


def _import_chunk(batch_pk: int, *, chunk_rows: int) -> int | None:
    """One chunk of VALID lines in one transaction; the batch's imported count after it, or None when
    none is left (or the batch is not importing)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_pk)
        if batch.state != BatchState.IMPORTING:
            return None
        lines = list(
            ImportRow.objects.filter(batch=batch, outcome=RowOutcome.VALID)
            .order_by("line")
            .values_list("line", flat=True)[:chunk_rows]
        )
        if not lines:
            return None
        chunk = ImportRow.objects.filter(
            batch=batch, outcome=RowOutcome.VALID, line__gte=lines[0], line__lte=lines[-1]
        )
        imported = _insert_and_link(batch, chunk, first=lines[0], last=lines[-1])
        name_column = _header(batch, "full_name")
        for row in chunk.filter(holder__isnull=True):  # someone with another name took the number
            other = LegacyHolder.objects.filter(
                document_type=row.document_type, document_number=row.document_number
            ).first()
            _mark_row_conflict(row, other.full_name if other else "", column=name_column)
            row.save(update_fields=["outcome", "reason", "reason_code", "column"])
        ImportBatch.objects.filter(pk=batch.pk).update(
            rows_imported=batch.rows_imported + imported, progress_at=timezone.now()
        )
    return batch.rows_imported + imported


def _insert_and_link(batch: ImportBatch, chunk: QuerySet[ImportRow], *, first: int, last: int) -> int:
    """The chunk's people (lines ``first`` to ``last``; a number taken meanwhile is left to the caller),
    each line linked to its person and marked IMPORTED; how many were."""
    if connection.vendor == "postgresql":
        return _insert_and_link_sql(batch, first=first, last=last)
    now = timezone.now()
    LegacyHolder.objects.bulk_create(
        [_holder(batch, line, values, now) for line, values in chunk.values_list("line", "values")],
        ignore_conflicts=True,  # taken meanwhile: found below, under another name or the same
        batch_size=1000,
    )
    # One statement links every line of the chunk to its person (the unique number's index).
    same_person = LegacyHolder.objects.filter(
        document_type=OuterRef("document_type"),
        document_number=OuterRef("document_number"),
        full_name=OuterRef("full_name"),
    )
    chunk.update(holder=Subquery(same_person.values("pk")[:1]))
    return chunk.filter(holder__isnull=False).update(outcome=RowOutcome.IMPORTED)


# What ``_holder`` makes, as one INSERT … SELECT from the chunk's lines and one UPDATE … FROM: on
# PostgreSQL the people never pass through Python (bench import: the import step 15.7 s → see
# docs/performance.md for 100,000 lines).
_OPTIONAL_VALUES = ("certificate_number", "sex", "mobile", "employer_name", "issuing_region")


@cache
def _insert_and_link_statements() -> tuple[str, str]:
    quote = connection.ops.quote_name
    holders, rows = quote(LegacyHolder._meta.db_table), quote(ImportRow._meta.db_table)
    optional = ", ".join(f"COALESCE(r.\"values\" ->> '{key}', '')" for key in _OPTIONAL_VALUES)
    in_chunk = "r.batch_id = %s AND r.outcome = %s AND r.line BETWEEN %s AND %s"
    insert = (
        f"INSERT INTO {holders} (document_type, document_number, full_name, {', '.join(_OPTIONAL_VALUES)},"
        " source_file, source_row, imported_at)"
        f" SELECT r.document_type, r.document_number, r.full_name, {optional}, %s, r.line, %s"
        f" FROM {rows} r WHERE {in_chunk} ORDER BY r.line"
        " ON CONFLICT (document_type, document_number) DO NOTHING"
    )
    link = (
        f"UPDATE {rows} r SET holder_id = h.id, outcome = %s FROM {holders} h WHERE {in_chunk}"
        " AND h.document_type = r.document_type AND h.document_number = r.document_number"
        " AND h.full_name = r.full_name"
    )
    return insert, link


def _insert_and_link_sql(batch: ImportBatch, *, first: int, last: int) -> int:
    insert, link = _insert_and_link_statements()
    chunk: list[Any] = [batch.pk, str(RowOutcome.VALID), first, last]
    with connection.cursor() as cursor:
        cursor.execute(insert, [batch.file_name, timezone.now(), *chunk])
        cursor.execute(link, [str(RowOutcome.IMPORTED), *chunk])
        return int(cursor.rowcount)


def _mark_row_conflict(row: ImportRow, name: str, *, column: str) -> None:
    row.outcome, row.reason_code, row.column = RowOutcome.CONFLICT, "conflict_holder", column
    row.reason = f"已导入的原持证人员中，该证件号码的姓名为“{name}”"


def _holder(batch: ImportBatch, line: int, values: dict[str, str], now: Any) -> LegacyHolder:
    return LegacyHolder(
        document_type=values["document_type"],
        document_number=values["document_number"],
        full_name=values["full_name"],
        certificate_number=values.get("certificate_number", ""),
        sex=values.get("sex", ""),
        mobile=values.get("mobile", ""),
        employer_name=values.get("employer_name", ""),
        issuing_region=values.get("issuing_region", ""),
        source_file=batch.file_name,
        source_row=line,
        imported_at=now,
    )
