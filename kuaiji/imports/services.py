"""Importing an old register: upload, confirm the column mapping, check every line (the dry run), then
import the valid lines as one resumable batch. Pages, the command and the tests all call these.

Each step is its own transaction; the check and the import commit every ``CHUNK_ROWS`` lines, so the
progress shows while they run and a stop midway loses at most one chunk. The import picks the lines
still VALID, so running it again (the worker's task requeued after a crash, or 继续导入 in the page)
carries on where it stopped; the batch row is locked for each chunk, so two runs never take the same
lines. People are matched by document type and number: a file imported twice, or one that overlaps an
earlier one, adds nobody twice.
"""

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from kuaiji.accounts.constants import AccountType
from kuaiji.accounts.models import LegacyHolder, User
from kuaiji.archive.models import ArchiveRecord
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core.storage import delete_stored_file, save_private_file

from .constants import BatchState, RowOutcome
from .mapping import check_mapping, guess_mapping, headers_signature
from .models import ImportBatch, ImportRow
from .reading import EXTENSIONS, extension_of, read_table
from .rows import RowCheck, check_row

CHUNK_ROWS = 2000
# An import with no progress for this long is shown as stopped, and may be resumed by hand.
STALLED_AFTER = timedelta(minutes=2)


class ImportStateError(ValidationError):
    """The batch is not in a state that allows this step (a Chinese message for the page)."""


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _key(document_type: str, number: str) -> str:
    return f"{document_type}:{number}"


# --- upload and mapping ------------------------------------------------------------------------------------


def upload_register(*, handle: IO[bytes], name: str, created_by: User | None = None) -> ImportBatch:
    """Store the file privately, read its header and propose a mapping: the one confirmed for a file
    with the same headers before, else the synonyms' guess. Raises ValidationError (a Chinese message
    for the file field) when the file is not a register that can be read; nothing is kept then."""
    if extension_of(name) not in EXTENSIONS:
        raise ValidationError("请上传 Excel（.xlsx、.xls）或 CSV 文件", code="extension")
    digest, size = hashlib.sha256(), 0
    handle.seek(0)
    for block in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(block)
        size += len(block)
    if size == 0:
        raise ValidationError("文件是空的", code="empty")
    limit = settings.KUAIJI_MAX_IMPORT_BYTES
    if size > limit:
        raise ValidationError(f"文件不能超过 {limit // (1024 * 1024)} MB，请分成几个文件导入", code="size")
    handle.seek(0)
    table = read_table(handle, name=name)
    signature = headers_signature(table.headers)
    earlier = (
        ImportBatch.objects.filter(headers_signature=signature, mapping_confirmed=True)
        .order_by("-created_at")
        .values_list("column_mapping", flat=True)
        .first()
    )
    handle.seek(0)
    stored = save_private_file(handle, prefix="imports", extension=extension_of(name))
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                created_by=created_by,
                department=getattr(created_by, "department", None),
                file=stored,
                file_name=name[:255],
                sha256=digest.hexdigest(),
                file_size=size,
                headers=table.headers,
                headers_signature=signature,
                column_mapping=earlier if earlier is not None else guess_mapping(table.headers),
            )
            record_event(
                action=AuditAction.LEGACY_IMPORT_UPLOADED,
                actor=created_by,
                target=batch,
                details={"file_name": batch.file_name, "sha256": batch.sha256, "size": size},
            )
    except Exception:
        delete_stored_file(stored)
        raise
    return batch


def confirm_mapping(
    batch: ImportBatch, *, mapping: dict[str, int], by: User | None = None, enqueue: bool = True
) -> ImportBatch:
    """Keep the mapping the operator confirmed and queue the check (the dry run; ``enqueue=False``: the
    caller runs ``check_batch`` itself). Allowed until the import starts; a new mapping checks again."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        stalled_check = batch.state == BatchState.CHECKING and is_stalled(batch)
        if batch.state not in (BatchState.UPLOADED, BatchState.CHECKED) and not stalled_check:
            raise ImportStateError("正在检查或导入已经开始，不能再修改列映射", code="state")
        batch.column_mapping = check_mapping(mapping, column_count=len(batch.headers))
        batch.mapping_confirmed = True
        batch.state = BatchState.CHECKING
        batch.rows_checked = 0
        batch.save(update_fields=["column_mapping", "mapping_confirmed", "state", "rows_checked"])
        record_event(
            action=AuditAction.LEGACY_IMPORT_CHECKED,
            actor=by,
            target=batch,
            details={"mapping": batch.column_mapping},
        )
        if enqueue:
            transaction.on_commit(lambda: _enqueue("check_batch_task", batch.pk))
    return batch


def _enqueue(task_name: str, batch_pk: int) -> None:
    from . import tasks

    getattr(tasks, task_name).enqueue(batch_pk=batch_pk)


# --- the check (dry run) -----------------------------------------------------------------------------------


Progress = Callable[[int], None]


def check_batch(batch_pk: int, *, progress: Progress | None = None) -> ImportBatch:
    """Check every line: on its own (``rows.check_row``), against the lines before it in the file, and
    against the people already known (imported holders, registered applicants, the archive). Writes one
    ImportRow per line and the counts; the batch ends CHECKED (or UNREADABLE)."""
    batch = ImportBatch.objects.get(pk=batch_pk)
    if batch.state != BatchState.CHECKING:
        return batch
    ImportRow.objects.filter(batch=batch).delete()
    today = timezone.localdate()
    checked = 0
    try:
        with batch.file.open("rb") as handle:
            table = read_table(handle, name=batch.file_name)
            for chunk in _chunks(table.rows, CHUNK_ROWS):
                results = [
                    (
                        line,
                        cells,
                        check_row(cells, mapping=batch.column_mapping, headers=batch.headers, today=today),
                    )
                    for line, cells in chunk
                ]
                _against_file_and_database(batch, results)
                with transaction.atomic():
                    _write_rows([_import_row(batch, line, cells, check) for line, cells, check in results])
                    checked += len(results)
                    ImportBatch.objects.filter(pk=batch.pk).update(
                        rows_checked=checked, progress_at=timezone.now()
                    )
                if progress is not None:
                    progress(checked)
    except ValidationError as error:
        ImportBatch.objects.filter(pk=batch.pk).update(state=BatchState.UNREADABLE, error=error.messages[0])
        batch.refresh_from_db()
        return batch
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        outcomes = _counts(batch, "outcome")
        reasons = _counts(batch, "reason_code")
        batch.rows_total = checked
        batch.rows_checked = checked
        batch.rows_to_import = outcomes.get(RowOutcome.VALID, 0)
        batch.outcome_counts = outcomes
        batch.reason_counts = reasons
        batch.state = BatchState.CHECKED
        batch.checked_at = timezone.now()
        batch.save()
    return batch


# The columns COPY writes (every concrete field but the id), in the model's order.
_COPIED_FIELDS = [field for field in ImportRow._meta.concrete_fields if not field.primary_key]


def _write_rows(rows: list[ImportRow]) -> None:
    """Insert a chunk's lines: with COPY on PostgreSQL (several times faster than INSERT for a check
    that writes one row per line), with bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        ImportRow.objects.bulk_create(rows)
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in _COPIED_FIELDS)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {quote(ImportRow._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(
                [
                    json.dumps(value, ensure_ascii=False) if isinstance(field, models.JSONField) else value
                    for field, value in ((field, getattr(row, field.attname)) for field in _COPIED_FIELDS)
                ]
            )


def _counts(batch: ImportBatch, column: str) -> dict[str, int]:
    """How many of the batch's lines have each value of ``column`` (a blank value is not counted)."""
    rows = ImportRow.objects.filter(batch=batch).exclude(**{column: ""})
    return dict(rows.values_list(column).annotate(n=Count("id")).order_by())


def _import_row(batch: ImportBatch, line: int, cells: list[Any], check: RowCheck) -> ImportRow:
    from .rows import cell_text

    key = check.key
    return ImportRow(
        batch=batch,
        line=line,
        outcome=check.outcome,
        reason=check.reason[:300],
        reason_code=check.reason_code,
        column=check.column[:100],
        note="；".join(check.notes)[:300],
        values=check.values,
        document_type=key[0] if key else "",
        document_number=key[1] if key else "",
        full_name=check.values.get("full_name", ""),
        cells=[cell_text(cell) for cell in cells],
    )


def _against_file_and_database(batch: ImportBatch, results: list[tuple[int, list[Any], RowCheck]]) -> None:
    """Mark, in place, the lines of one chunk that repeat an earlier line of the file (named on the later
    one) or contradict a person already known (never overwritten)."""
    valid = [check for _, _, check in results if check.outcome == RowOutcome.VALID]
    keys = {_key(*check.key) for check in valid if check.key}
    if not keys:
        return
    numbers = {check.values["document_number"] for check in valid}
    earlier: dict[str, int] = {}
    for document_type, number, line in (
        ImportRow.objects.filter(batch=batch, document_number__in=numbers)
        .exclude(outcome=RowOutcome.REFUSED)
        .order_by("line")
        .values_list("document_type", "document_number", "line")
    ):
        earlier.setdefault(_key(document_type, number), line)  # the first line it was on
    holders = {
        _key(h.document_type, h.document_number): h
        for h in LegacyHolder.objects.filter(document_number__in=numbers).only(
            "document_type", "document_number", "full_name"
        )
    }
    applicants = {
        _key(document_type, number or ""): name
        for document_type, number, name in User.objects.filter(
            account_type=AccountType.APPLICANT, document_number__in=numbers
        ).values_list("document_type", "document_number", "full_name")
    }
    archived = {
        _key(document_type, number): name
        for document_type, number, name in ArchiveRecord.objects.filter(
            document_number__in=numbers
        ).values_list("document_type", "document_number", "full_name")
    }
    number_column = _header(batch, "document_number")
    name_column = _header(batch, "full_name")
    for line, _, check in results:
        if check.outcome != RowOutcome.VALID or not check.key:
            continue
        key, name = _key(*check.key), check.values["full_name"]
        if key in earlier:
            _mark(
                check,
                RowOutcome.DUPLICATE,
                "duplicate",
                f"与第 {earlier[key]} 行的证件号码重复（已按第 {earlier[key]} 行处理）",
                column=number_column,
            )
            continue
        earlier[key] = line
        holder = holders.get(key)
        # The same number under another name, among imported holders, registered people, the archive.
        known = (
            (holder.full_name if holder is not None else None, "conflict_holder", "已导入的原持证人员中"),
            (applicants.get(key), "conflict_applicant", "已注册的人员中"),
            (archived.get(key), "conflict_archive", "人员档案中"),
        )
        conflict = next((item for item in known if item[0] is not None and item[0] != name), None)
        if conflict is not None:
            other, code, where = conflict
            _mark(
                check, RowOutcome.CONFLICT, code, f"{where}，该证件号码的姓名为“{other}”", column=name_column
            )
        elif holder is not None:
            check.outcome = RowOutcome.UNCHANGED


def _header(batch: ImportBatch, field: str) -> str:
    index = batch.column_mapping.get(field)
    return batch.headers[index] if index is not None and index < len(batch.headers) else ""


def _mark(check: RowCheck, outcome: str, code: str, reason: str, *, column: str) -> None:
    check.outcome, check.reason_code, check.reason, check.column = outcome, code, reason, column


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
        imported = chunk.filter(holder__isnull=False).update(outcome=RowOutcome.IMPORTED)
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


def import_register_now(
    *,
    handle: IO[bytes],
    name: str,
    mapping: dict[str, int] | None = None,
    by: User | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportBatch:
    """Upload, check and (unless ``dry_run``) import in this process, for the command and the demo: the
    same steps as the pages, without the worker. ``mapping`` (default: the proposed one) is checked as
    the page checks it."""
    batch = upload_register(handle=handle, name=name, created_by=by)
    batch = confirm_mapping(
        batch, mapping=batch.column_mapping if mapping is None else mapping, by=by, enqueue=False
    )
    batch = check_batch(batch.pk, progress=progress)
    if dry_run or batch.state != BatchState.CHECKED:
        return batch
    start_import(batch, by=by, enqueue=False)
    return import_batch(batch.pk, progress=progress)
