"""The check (dry run): every line on its own, against the file and against the people already known."""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count
from django.utils import timezone

from kuaiji.accounts.constants import AccountType
from kuaiji.accounts.models import LegacyHolder, User
from kuaiji.archive.models import ArchiveRecord

from ..constants import BatchState, RowOutcome
from ..models import ImportBatch, ImportRow
from ..reading import read_table
from ..rows import RowCheck, check_row
from .common import CHUNK_ROWS, Progress, _chunks, _header, _key

# --- the check (dry run) -----------------------------------------------------------------------------------


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
    from ..rows import cell_text

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
    types = {check.values["document_type"] for check in valid}
    holders = {
        _key(h.document_type, h.document_number): h
        # Both keys: the unique index leads with the type (by the number alone it was a scan a chunk).
        for h in LegacyHolder.objects.filter(document_type__in=types, document_number__in=numbers).only(
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


def _mark(check: RowCheck, outcome: str, code: str, reason: str, *, column: str) -> None:
    check.outcome, check.reason_code, check.reason, check.column = outcome, code, reason, column
