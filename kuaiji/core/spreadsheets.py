"""Lists as files (导出), written a row at a time: CSV with the standard library, XLSX with xlsxwriter's
constant-memory mode (each row is flushed to disk when the next begins), so memory stays flat whatever
the row count."""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.http import content_disposition_header

CSV, XLSX = "csv", "xlsx"
FORMATS = (XLSX, CSV)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """Text that Excel would run as a formula (= + - @ first) is quoted; other values pass."""
    return "'" + value if isinstance(value, str) and value[:1] in _FORMULA_START else value


def write_rows(
    handle: IO[bytes], *, header: Sequence[str], rows: Iterable[Sequence[Any]], format: str
) -> int:
    """Write ``header`` and ``rows`` to ``handle`` (a binary file opened for writing) and return the
    number of rows written."""
    if format == CSV:
        return _write_csv(handle, header=header, rows=rows)
    return _write_xlsx(handle, header=header, rows=rows)


def _write_csv(handle: IO[bytes], *, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")  # the BOM tells Excel it is UTF-8
    writer = csv.writer(text)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
        count += 1
    text.flush()
    text.detach()
    return count


def _write_xlsx(handle: IO[bytes], *, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        handle, {"constant_memory": True, "in_memory": False, "strings_to_formulas": False}
    )
    sheet = workbook.add_worksheet("导出")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, header, bold)
    sheet.set_column(0, len(header) - 1, 20)
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(count, column, value)  # never a number or a formula: 证件号码 stay whole
            elif value is None:
                continue
            else:
                sheet.write(count, column, value)
    workbook.close()
    return count


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(*, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV as lines, for a streaming response: the BOM, the header, one line per row."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([spreadsheet_safe(value) for value in row])


def download_response(
    *, header: Sequence[str], rows: Iterable[Sequence[Any]], format: str, file_name: str
) -> HttpResponseBase:
    """The rows as a download: CSV streamed line by line, XLSX written to a temporary file (constant
    memory) and then sent from it."""
    response: HttpResponseBase
    if format == CSV:
        response = StreamingHttpResponse(csv_lines(header=header, rows=rows), content_type=CONTENT_TYPES[CSV])
    else:
        spool = tempfile.TemporaryFile()  # noqa: SIM115  # FileResponse closes it when sent
        write_rows(spool, header=header, rows=rows, format=XLSX)
        spool.seek(0)
        response = FileResponse(spool, content_type=CONTENT_TYPES[XLSX])
    response["Content-Disposition"] = content_disposition_header(True, f"{file_name}.{format}") or ""
    response["Cache-Control"] = "private, no-store"
    return response
