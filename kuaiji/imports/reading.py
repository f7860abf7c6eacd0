"""Reading an old register: XLSX, XLS (and ODS) with python-calamine, CSV with the standard library.

Spreadsheet cells come as Python values (a number Excel stored as a number arrives as a float, which the
row check recognises); CSV cells as text, in UTF-8 (with or without a BOM) or GB18030 — what old Windows
exports use — told apart by whether the start of the file is valid UTF-8. Rows are yielded one by one
with the line number the clerk sees in Excel (the header is line 1 when the sheet starts at the top);
empty lines are skipped but counted.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_EXTENSIONS = (".csv", ".txt")
EXTENSIONS = SPREADSHEET_EXTENSIONS + CSV_EXTENSIONS
ENCODING_SAMPLE_BYTES = 64 * 1024
UNREADABLE = "无法读取该文件：请上传 Excel（.xlsx、.xls）或 CSV 文件"


@dataclass
class Table:
    headers: list[str]
    header_line: int
    rows: Iterator[tuple[int, list[Any]]]  # (line number, cells), the cells padded to the headers


def extension_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def detect_encoding(sample: bytes) -> str:
    """ "utf-8-sig" when ``sample`` (the file's start) is UTF-8 — a sequence cut at its end allowed —
    else "gb18030" (a superset of GBK and GB2312)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def read_table(handle: IO[bytes], *, name: str) -> Table:
    """The header and the rows of the first sheet (or of the CSV). Raises ValidationError with a Chinese
    message when the file cannot be read or holds no header."""
    extension = extension_of(name)
    if extension in SPREADSHEET_EXTENSIONS:
        lines = _spreadsheet_lines(handle)
    elif extension in CSV_EXTENSIONS:
        lines = _csv_lines(handle)
    else:
        raise ValidationError(UNREADABLE, code="unsupported")
    for line, cells in lines:
        if any(_text(cell) for cell in cells):
            headers = [_text(cell) for cell in cells]
            while headers and not headers[-1]:
                headers.pop()
            return Table(headers=headers, header_line=line, rows=_data_rows(lines, width=len(headers)))
    raise ValidationError("文件中没有表头和数据", code="empty")


def _data_rows(lines: Iterator[tuple[int, list[Any]]], *, width: int) -> Iterator[tuple[int, list[Any]]]:
    for line, cells in lines:
        if not any(_text(cell) for cell in cells):
            continue
        cells = list(cells[:width]) + [""] * (width - len(cells))
        yield line, cells


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


def _spreadsheet_lines(handle: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(handle)
        sheet = workbook.get_sheet_by_index(0)
        first_row = (sheet.start or (0, 0))[0]
        rows = sheet.iter_rows()
    except (CalamineError, ValueError, OSError) as error:
        raise ValidationError(UNREADABLE, code="unreadable") from error
    return ((first_row + index + 1, list(cells)) for index, cells in enumerate(rows))


def _csv_lines(handle: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    sample = handle.read(ENCODING_SAMPLE_BYTES)
    handle.seek(0)
    if b"\x00" in sample:
        raise ValidationError(UNREADABLE, code="binary")
    return _csv_rows(handle, sample)


def _csv_rows(handle: IO[bytes], sample: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = io.TextIOWrapper(handle, encoding=detect_encoding(sample), errors="replace", newline="")
    first_line = sample.split(b"\n", 1)[0]
    delimiter = "\t" if b"\t" in first_line and b"," not in first_line else ","
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for row in reader:
            yield reader.line_num, row
    finally:
        text.detach()  # the caller's file stays open (a wrapper closes what it wraps when collected)
