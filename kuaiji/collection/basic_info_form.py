"""The printable 个人基本信息表: one A4 page the applicant prints, signs (and, with a work unit, has
stamped), photographs and uploads as an attachment.

The caller builds the rows (the same rows drive the on-screen summary); this module only lays them out.
It draws straight onto a ReportLab canvas instead of flowing platypus flowables, because the form must
always be ONE page: every cell is measured first, the font shrinks a little at a time for long content,
and as a last resort rows are cut from the longest section, which then ends with "（其余 N 条见系统记录）".

The font is WenQuanYi Micro Hei, vendored in ``fonts/`` and embedded as a subset, so the form prints the
same everywhere. It has no CJK Extension B+ characters (names such as 李𪚥): those are drawn, run by run,
in a fallback font found on the machine (Hanazono Mincho B from Debian's ``fonts-hanazono``, which
``.ci/run`` installs; ``KUAIJI_PDF_FALLBACK_FONTS`` lists the paths tried), also embedded as a subset.
The fallback is not vendored: its OFL reserves the font names (a subset must be renamed) and even the
Extension B–F subset is some 30 MB. A character neither font has prints as 〓, the typesetter's mark
for a missing character, and the applicant writes it in by hand.

``registered_font``, ``font_for``, ``font_runs``, ``string_width``, ``paragraph_markup`` and ``draw_text``
are the project's one way of drawing CJK text in a PDF; the archive extract (``kuaiji.extracts.pdf``)
draws with them too.
"""

import functools
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone

from reportlab import rl_config
from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

FONT_NAME = "WenQuanYiMicroHei"
FONT_PATH = Path(__file__).parent / "fonts" / "wqy-microhei.ttc"
FALLBACK_FONT_NAME = "HanaMinB"
DEFAULT_FALLBACK_FONTS = (
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
    "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf",
)
logger = logging.getLogger(__name__)
#: Printed in place of a character the font lacks: 〓, the typesetter's mark for a missing character
#: (full width; the font's □ is too small to notice).
MISSING_GLYPH = "〓"

TITLE = "会计人员个人基本信息表"
DECLARATION = "本人承诺以上信息真实、准确、完整。"
OMITTED_NOTE = "（其余 {count} 条见系统记录）"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 16 * mm
MARGIN_TOP = 14 * mm
MARGIN_BOTTOM = 10 * mm
HEADER_HEIGHT = 21 * mm
FOOTER_HEIGHT = 9 * mm
TABLE_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
LABEL_WIDTH = 25 * mm
HALF_VALUE_WIDTH = (TABLE_WIDTH - 2 * LABEL_WIDTH) / 2
# The 1-inch photo: 295×413 px at 300 dpi is 25×35 mm.
PHOTO_WIDTH, PHOTO_HEIGHT = 25 * mm, 35 * mm
PHOTO_COLUMN_WIDTH = 31 * mm
PHOTO_PADDING = 2.5 * mm
DECLARATION_HEIGHT = 25 * mm
EMPLOYER_HEIGHT = 48 * mm
STAMP_BOX = 42 * mm  # a round official stamp is 40–42 mm across
# Tried in turn until the table fits; at the last one, rows are cut instead.
FONT_SIZES = (10, 9.5, 9, 8.5, 8, 7.5)
MAX_VALUE_CHARS = 300

LABEL_FILL = Color(0.95, 0.95, 0.95)
TITLE_FILL = Color(0.88, 0.88, 0.88)
GREY = Color(0.45, 0.45, 0.45)
FAINT = Color(0.7, 0.7, 0.7)

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class SheetSection:
    title: str  # e.g. "个人信息"
    rows: list[tuple[str, str]]  # (label, value), already formatted in Chinese by the caller
    # One row per entry (e.g. work history): when the page is full, these rows are cut first.
    repeated: bool = False


@dataclass(frozen=True)
class BasicInfoSheet:
    person_name: str
    sections: list[SheetSection]
    portrait_jpeg: bytes | None  # the 295×413 1-inch photo, or None for an empty box saying 照片
    has_employer: bool  # with a work unit: places for signature AND unit stamp; without: signature only
    employer_name: str = ""
    reference: str = ""  # e.g. the submission's short reference, printed small in the footer
    generated_on: date | None = None  # None: today, in the site's time zone


def render_basic_info_form(sheet: BasicInfoSheet, *, site_name: str, department_name: str) -> bytes:
    """The sheet as a one-page A4 PDF with the CJK font embedded. Pure: no database, no files written.

    When the page is full, rows are cut from the end of a ``repeated`` section (each row one entry),
    or failing that from the tallest section, which then ends with "（其余 N 条见系统记录）".
    ``portrait_jpeg`` must be a JPEG (the cleaned 1-inch photo); it is embedded as it is.
    """
    _font_glyphs()

    def clean(text: str, limit: int = MAX_VALUE_CHARS) -> str:
        text = _CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
        if len(text) > limit:
            text = text[: limit - 1] + "…"
        return "".join(ch if font_for(ch) is not None or ch == "\n" else MISSING_GLYPH for ch in text)

    sections = [
        _Section(
            clean(section.title, 40),
            [(clean(label, 40), clean(value)) for label, value in section.rows],
            repeated=section.repeated,
        )
        for section in sheet.sections
    ]
    signature_height = DECLARATION_HEIGHT + (EMPLOYER_HEIGHT if sheet.has_employer else 0)
    table_top = PAGE_HEIGHT - MARGIN_TOP - HEADER_HEIGHT
    available = table_top - signature_height - MARGIN_BOTTOM - FOOTER_HEIGHT
    measure, layout = _fit(sections, available)

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=FONT_NAME, initialFontSize=10)
    person_name = clean(sheet.person_name, 40)
    canvas.setTitle(f"{TITLE}（{person_name}）")
    canvas.setAuthor(site_name)
    canvas.setSubject(department_name)
    canvas.setCreator(site_name)

    _draw_header(canvas, clean(department_name, 60))
    table_bottom = _draw_table(canvas, layout, measure, table_top, sheet.portrait_jpeg)
    bottom = _draw_signatures(
        canvas, table_bottom, has_employer=sheet.has_employer, employer_name=clean(sheet.employer_name, 80)
    )
    canvas.setLineWidth(1)
    canvas.rect(MARGIN_X, bottom, TABLE_WIDTH, table_top - bottom)
    _draw_footer(
        canvas,
        site_name=clean(site_name, 60),
        person_name=person_name,
        reference=clean(sheet.reference, 40),
        generated_on=sheet.generated_on or timezone.localdate(),
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@functools.cache
def _font_glyphs() -> frozenset[int]:
    """Set ReportLab up once per process; the code points the font can draw."""
    # Binary streams: ASCII85 makes the photo and font 25 % larger and, without ReportLab's optional C
    # accelerator, costs ~3 ms a page. Every ReportLab user of the project draws through this module.
    rl_config.useA85 = 0
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    font = TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0)
    pdfmetrics.registerFont(font)
    return frozenset(font.face.charToGlyph)


def registered_font() -> str:
    """The vendored CJK font's ReportLab name, registered (other PDFs, e.g. the templates, draw in it)."""
    _font_glyphs()
    return FONT_NAME


_REPORTLAB_TO_UNICODE = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """ReportLab's ToUnicode map with characters beyond the BMP written as UTF-16 pairs, as the PDF
    standard says; ReportLab writes ``<2A6A5>``, so 𪚥 could not be copied or searched in the PDF."""
    cmap: str = _REPORTLAB_TO_UNICODE(fontname, subset)
    for code_point in {v for v in subset if v > 0xFFFF}:
        utf16 = chr(code_point).encode("utf-16-be").hex().upper()
        cmap = cmap.replace(f"> <{code_point:04X}>", f"> <{utf16}>")
    return cmap


def fallback_font_path() -> Path | None:
    """The first fallback font present on this machine, or None."""
    for candidate in getattr(settings, "KUAIJI_PDF_FALLBACK_FONTS", DEFAULT_FALLBACK_FONTS):
        if Path(candidate).is_file():
            return Path(candidate)
    return None


@functools.cache
def _fallback_font() -> frozenset[int] | None:
    """Register the fallback font once; the code points it adds, or None when no font is installed."""
    path = fallback_font_path()
    if path is None:
        logger.warning(
            "No fallback CJK font found; rare characters print as %s (install fonts-hanazono)", MISSING_GLYPH
        )
        return None
    font = TTFont(FALLBACK_FONT_NAME, str(path))
    pdfmetrics.registerFont(font)
    return frozenset(font.face.charToGlyph) - _font_glyphs()


def font_for(character: str) -> str | None:
    """Which font draws ``character``: the main one, the fallback, or None (neither has it)."""
    if ord(character) in _font_glyphs():
        return FONT_NAME
    fallback = _fallback_font() if ord(character) > 0xFFFF else None
    return FALLBACK_FONT_NAME if fallback is not None and ord(character) in fallback else None


def font_runs(text: str) -> list[tuple[str, str]]:
    """``text`` cut into (font name, characters) runs; ``text`` is already cleaned (every character drawable)."""
    runs: list[tuple[str, str]] = []
    for character in text:
        font = font_for(character) or FONT_NAME
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + character)
        else:
            runs.append((font, character))
    return runs


def string_width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in font_runs(text))


def paragraph_markup(text: str) -> str:
    """Paragraph markup for ``text``, the fallback font's runs in a ``<font>`` tag."""
    return "".join(
        escape(run) if font == FONT_NAME else f'<font face="{font}">{escape(run)}</font>'
        for font, run in font_runs(text)
    ).replace("\n", "<br/>")


# Measuring and fitting ---------------------------------------------------------------------------------


@dataclass
class _Section:
    title: str
    rows: list[tuple[str, str]]
    repeated: bool
    omitted: int = 0


@dataclass
class _Cell:
    x: float
    width: float
    text: str
    role: str  # "label", "value" or "note"


@dataclass
class _Row:
    height: float
    cells: list[_Cell]
    title: str = ""  # set on a section's title row
    beside_photo: bool = False


@dataclass
class _Layout:
    rows: list[_Row]
    height: float
    section_heights: list[float]
    tallest_rows: list[float]  # per section, its tallest row below the title


class _Measure:
    """Cell metrics at one font size; wrapped paragraphs are kept, so re-laying out after a cut and
    drawing the final layout cost no new wrapping."""

    def __init__(self, size: float):
        self.size = size
        self.padding_x = 0.5 * size
        self.padding_y = 0.3 * size
        self.min_row_height = 2.1 * size
        self.title_row_height = 2.0 * size
        common = {"fontName": FONT_NAME, "fontSize": size, "leading": size * 1.3, "wordWrap": "CJK"}
        self.styles = {
            "label": ParagraphStyle("label", alignment=TA_CENTER, **common),
            "value": ParagraphStyle("value", alignment=TA_LEFT, **common),
            "note": ParagraphStyle("note", alignment=TA_CENTER, textColor=GREY, **common),
        }
        self._paragraphs: dict[tuple[str, float, str], Paragraph] = {}
        self._widths: dict[str, float] = {}

    def paragraph(self, cell: _Cell) -> Paragraph:
        key = (cell.text, cell.width, cell.role)
        paragraph = self._paragraphs.get(key)
        if paragraph is None:
            markup = paragraph_markup(cell.text)
            paragraph = Paragraph(markup, self.styles[cell.role])
            paragraph.wrap(cell.width - 2 * self.padding_x, PAGE_HEIGHT)
            self._paragraphs[key] = paragraph
        return paragraph

    def cell_height(self, cell: _Cell) -> float:
        return self.paragraph(cell).height + 2 * self.padding_y

    def fits_one_line(self, text: str, width: float) -> bool:
        if "\n" in text:
            return False
        text_width = self._widths.get(text)
        if text_width is None:
            text_width = self._widths[text] = string_width(text, self.size)
        return text_width <= width - 2 * self.padding_x


def _fit(sections: list[_Section], available: float) -> tuple[_Measure, _Layout]:
    # More rows than could ever fit at the smallest size are cut up front, so huge inputs stay cheap.
    most_rows = int(2 * available / (FONT_SIZES[-1] * 2.1)) + 1
    for section in sections:
        if len(section.rows) > most_rows:
            section.omitted += len(section.rows) - most_rows
            del section.rows[most_rows:]
    # The largest size that fits: try the largest (the usual case), then the smallest, then bisect.
    tried: dict[float, tuple[_Measure, _Layout]] = {}

    def attempt(size: float) -> tuple[_Measure, _Layout]:
        if size not in tried:
            measure = _Measure(size)
            tried[size] = measure, _layout(sections, measure)
        return tried[size]

    def fits(size: float) -> bool:
        return attempt(size)[1].height <= available

    if fits(FONT_SIZES[0]):
        return attempt(FONT_SIZES[0])
    if fits(FONT_SIZES[-1]):
        too_large, fitting = 0, len(FONT_SIZES) - 1
        while fitting - too_large > 1:
            middle = (too_large + fitting) // 2
            too_large, fitting = (too_large, middle) if fits(FONT_SIZES[middle]) else (middle, fitting)
        return attempt(FONT_SIZES[fitting])
    measure, layout = attempt(FONT_SIZES[-1])
    # Still too long at the smallest size: cut the last row of the tallest section of repeated entries
    # (or, if there is none left, of the tallest section) until the table fits.
    while layout.height > available:
        candidates = [i for i, section in enumerate(sections) if section.rows and section.repeated]
        candidates = candidates or [i for i, section in enumerate(sections) if section.rows]
        if not candidates:
            break  # only section titles left; nothing sensible remains to cut
        index = max(candidates, key=lambda i: layout.section_heights[i])
        # Removing a row saves at most the section's tallest row, so this many never cut too much.
        count = max(1, int((layout.height - available) / layout.tallest_rows[index]))
        count = min(count, len(sections[index].rows))
        del sections[index].rows[-count:]
        sections[index].omitted += count
        layout = _layout(sections, measure)
    return measure, layout


def _layout(sections: Sequence[_Section], measure: _Measure) -> _Layout:
    """Rows top to bottom: each section's title row, then its entries, two label/value pairs to a row
    where both values fit on one line. The first section's first rows leave the photo column free."""
    rows: list[_Row] = []
    section_heights = []
    tallest_rows = []
    photo_left = PHOTO_HEIGHT + 2 * PHOTO_PADDING  # height of the photo column still to cover
    for index, section in enumerate(sections):
        first_row = len(rows)
        rows.append(_Row(measure.title_row_height, [], title=section.title))
        entries: list[tuple[str, str] | str] = list(section.rows)
        if section.omitted:
            entries.append(OMITTED_NOTE.format(count=section.omitted))
        beside: list[_Row] = []
        position = 0
        while position < len(entries) or (index == 0 and photo_left > 0 and not beside):
            beside_photo = index == 0 and photo_left > 0
            right_edge = TABLE_WIDTH - (PHOTO_COLUMN_WIDTH if beside_photo else 0)
            entry = entries[position] if position < len(entries) else ("", "")
            following = entries[position + 1] if position + 1 < len(entries) else None
            if isinstance(entry, str):
                cells = [_Cell(0, right_edge, entry, "note")]
                position += 1
            elif isinstance(following, tuple) and (
                measure.fits_one_line(entry[1], HALF_VALUE_WIDTH)
                and measure.fits_one_line(following[1], right_edge - 2 * LABEL_WIDTH - HALF_VALUE_WIDTH)
            ):
                right_x = LABEL_WIDTH + HALF_VALUE_WIDTH
                cells = [
                    _Cell(0, LABEL_WIDTH, entry[0], "label"),
                    _Cell(LABEL_WIDTH, HALF_VALUE_WIDTH, entry[1], "value"),
                    _Cell(right_x, LABEL_WIDTH, following[0], "label"),
                    _Cell(right_x + LABEL_WIDTH, right_edge - right_x - LABEL_WIDTH, following[1], "value"),
                ]
                position += 2
            else:
                cells = [
                    _Cell(0, LABEL_WIDTH, entry[0], "label"),
                    _Cell(LABEL_WIDTH, right_edge - LABEL_WIDTH, entry[1], "value"),
                ]
                position += 1
            height = max(measure.min_row_height, *(measure.cell_height(cell) for cell in cells))
            row = _Row(height, cells, beside_photo=beside_photo)
            rows.append(row)
            if beside_photo:
                beside.append(row)
                photo_left -= height
        if index == 0 and photo_left > 0:
            # Too few rows beside the photo: stretch them to the photo's height.
            for row in beside:
                row.height += photo_left / len(beside)
            photo_left = 0
        section_heights.append(sum(row.height for row in rows[first_row:]))
        tallest_rows.append(
            max((row.height for row in rows[first_row + 1 :]), default=measure.min_row_height)
        )
    return _Layout(rows, sum(section_heights), section_heights, tallest_rows)


# Drawing -----------------------------------------------------------------------------------------------


def draw_text(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    align: str = "left",
    color: Color = black,
) -> None:
    """One line of text; WenQuanYi has no bold face, so bold is the glyphs filled and thinly stroked."""
    width = string_width(text, size)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    canvas.saveState()
    canvas.setFillColor(color)
    text_object = canvas.beginText(x, y)
    if bold:
        canvas.setStrokeColor(color)
        canvas.setLineWidth(size * 0.035)
        text_object.setTextRenderMode(2)
    for font, run in font_runs(text):
        text_object.setFont(font, size)
        text_object.textOut(run)
    canvas.drawText(text_object)
    canvas.restoreState()


def _fit_size(text: str, size: float, width: float) -> float:
    """The size, shrunk if need be so the line fits the width."""
    natural = string_width(text, size)
    return size if natural <= width else size * width / natural


def _draw_blanks(canvas: Canvas, x: float, y: float, parts: Sequence[str | float], size: float) -> float:
    """A line of text with blanks to fill in by hand (a float is a blank that wide); returns its end."""
    canvas.setLineWidth(0.5)
    for part in parts:
        if isinstance(part, str):
            draw_text(canvas, x, y, part, size)
            x += string_width(part, size)
        else:
            canvas.line(x + 1, y - 2, x + part - 1, y - 2)
            x += part
    return x


def _blanks_width(parts: Sequence[str | float], size: float) -> float:
    return sum(p if isinstance(p, float) else string_width(p, size) for p in parts)


def _date_blanks(prefix: str) -> list[str | float]:
    return [prefix, 16 * mm, "年", 9 * mm, "月", 9 * mm, "日"]


def _draw_header(canvas: Canvas, department_name: str) -> None:
    top = PAGE_HEIGHT - MARGIN_TOP
    draw_text(canvas, PAGE_WIDTH / 2, top - 18, TITLE, 19, bold=True, align="center")
    size = _fit_size(department_name, 11, TABLE_WIDTH)
    draw_text(canvas, PAGE_WIDTH / 2, top - 38, department_name, size, align="center", color=GREY)


def _draw_table(
    canvas: Canvas, layout: _Layout, measure: _Measure, top: float, portrait_jpeg: bytes | None
) -> float:
    """Draw the rows below ``top``; returns the table's bottom edge."""
    canvas.setLineWidth(0.5)
    y = top
    photo_top = photo_bottom = None
    for row in layout.rows:
        y -= row.height
        if row.title:
            canvas.setFillColor(TITLE_FILL)
            canvas.rect(MARGIN_X, y, TABLE_WIDTH, row.height, stroke=1, fill=1)
            size = _fit_size(row.title, measure.size + 1, TABLE_WIDTH - 2 * measure.padding_x)
            baseline = y + (row.height - size * 0.8) / 2
            draw_text(canvas, MARGIN_X + 2 * measure.padding_x, baseline, row.title, size, bold=True)
            continue
        if row.beside_photo:
            photo_top = photo_top or y + row.height
            photo_bottom = y
        for cell in row.cells:
            x = MARGIN_X + cell.x
            canvas.setFillColor(LABEL_FILL)
            canvas.rect(x, y, cell.width, row.height, stroke=1, fill=cell.role == "label")
            paragraph = measure.paragraph(cell)
            paragraph.drawOn(canvas, x + measure.padding_x, y + (row.height - paragraph.height) / 2)
    if photo_top is not None and photo_bottom is not None:
        x = MARGIN_X + TABLE_WIDTH - PHOTO_COLUMN_WIDTH
        canvas.rect(x, photo_bottom, PHOTO_COLUMN_WIDTH, photo_top - photo_bottom)
        _draw_photo(
            canvas,
            x + (PHOTO_COLUMN_WIDTH - PHOTO_WIDTH) / 2,
            (photo_top + photo_bottom - PHOTO_HEIGHT) / 2,
            portrait_jpeg,
        )
    return y


def _draw_photo(canvas: Canvas, x: float, y: float, portrait_jpeg: bytes | None) -> None:
    if portrait_jpeg is not None:
        # A JPEG goes into the PDF as it is (DCTDecode), without decoding or re-encoding.
        image = ImageReader(io.BytesIO(portrait_jpeg))
        canvas.drawImage(image, x, y, PHOTO_WIDTH, PHOTO_HEIGHT, preserveAspectRatio=True, anchor="c")
        return
    canvas.saveState()
    canvas.setStrokeColor(FAINT)
    canvas.setDash(2, 2)
    canvas.rect(x, y, PHOTO_WIDTH, PHOTO_HEIGHT)
    canvas.restoreState()
    draw_text(canvas, x + PHOTO_WIDTH / 2, y + PHOTO_HEIGHT / 2 + 2, "照片", 12, align="center", color=GREY)
    draw_text(
        canvas, x + PHOTO_WIDTH / 2, y + PHOTO_HEIGHT / 2 - 12, "（一寸）", 8, align="center", color=GREY
    )


def _draw_signatures(canvas: Canvas, top: float, *, has_employer: bool, employer_name: str) -> float:
    """The applicant's declaration and signature and, with a work unit, the unit's confirmation with a
    place for its stamp; returns the bottom edge."""
    size = 10
    content_x = MARGIN_X + LABEL_WIDTH
    content_width = TABLE_WIDTH - LABEL_WIDTH
    right = MARGIN_X + TABLE_WIDTH - 6 * mm

    y = top - DECLARATION_HEIGHT
    _draw_label_cell(canvas, y, DECLARATION_HEIGHT, "本人声明", size)
    canvas.rect(content_x, y, content_width, DECLARATION_HEIGHT)
    draw_text(canvas, content_x + 4 * mm, top - 7 * mm, DECLARATION, size)
    signature: list[str | float] = ["本人签字：", 38 * mm, "　　　", *_date_blanks("日期：")]
    _draw_blanks(canvas, right - _blanks_width(signature, size), y + 5 * mm, signature, size)
    if not has_employer:
        return y

    top, y = y, y - EMPLOYER_HEIGHT
    _draw_label_cell(canvas, y, EMPLOYER_HEIGHT, "单位确认", size)
    canvas.rect(content_x, y, content_width, EMPLOYER_HEIGHT)
    draw_text(canvas, content_x + 4 * mm, top - 7 * mm, "单位意见（盖章）：", size)
    # The stamp goes over the unit's name and the date, as is usual; the dashed box shows where.
    stamp_x = right - STAMP_BOX
    stamp_y = y + (EMPLOYER_HEIGHT - STAMP_BOX) / 2
    canvas.saveState()
    canvas.setStrokeColor(FAINT)
    canvas.setDash(3, 3)
    canvas.rect(stamp_x, stamp_y, STAMP_BOX, STAMP_BOX)
    canvas.restoreState()
    draw_text(
        canvas,
        stamp_x + STAMP_BOX / 2,
        stamp_y + STAMP_BOX / 2 - 4,
        "盖章处",
        10,
        align="center",
        color=FAINT,
    )
    name_style = ParagraphStyle(
        "employer", fontName=FONT_NAME, fontSize=size, leading=size * 1.3, wordWrap="CJK"
    )
    name = Paragraph(paragraph_markup(f"单位名称：{employer_name or '　'}"), name_style)
    name.wrap(stamp_x - content_x - 10 * mm, EMPLOYER_HEIGHT)
    date_y = y + 6 * mm
    name.drawOn(canvas, content_x + 4 * mm, date_y + 6 * mm)
    _draw_blanks(canvas, content_x + 4 * mm, date_y, _date_blanks("日期："), size)
    return y


def _draw_label_cell(canvas: Canvas, y: float, height: float, text: str, size: float) -> None:
    canvas.saveState()
    canvas.setFillColor(LABEL_FILL)
    canvas.rect(MARGIN_X, y, LABEL_WIDTH, height, stroke=1, fill=1)
    canvas.restoreState()
    draw_text(canvas, MARGIN_X + LABEL_WIDTH / 2, y + height / 2 - size * 0.35, text, size, align="center")


def _draw_footer(
    canvas: Canvas, *, site_name: str, person_name: str, reference: str, generated_on: date
) -> None:
    size = 7.5
    line_y = MARGIN_BOTTOM + 5 * mm
    canvas.saveState()
    canvas.setStrokeColor(FAINT)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN_X, line_y, MARGIN_X + TABLE_WIDTH, line_y)
    canvas.restoreState()
    details = [f"申请人：{person_name}"]
    if reference:
        details.append(f"编号：{reference}")
    details.append(f"生成日期：{generated_on.year}年{generated_on.month}月{generated_on.day}日")
    right_text = "　".join(details)
    baseline = MARGIN_BOTTOM + 1.5 * mm
    draw_text(canvas, MARGIN_X, baseline, site_name, size, color=GREY)
    right_size = _fit_size(right_text, size, TABLE_WIDTH * 0.68)
    draw_text(canvas, MARGIN_X + TABLE_WIDTH, baseline, right_text, right_size, align="right", color=GREY)
