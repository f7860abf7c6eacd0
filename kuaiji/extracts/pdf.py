"""The 人员档案证明 as a one-page A4 PDF (before signing): what the snapshot holds, the verification code,
the address and its QR code. Pure: no database, no files. The CJK text (with characters beyond the BMP,
such as 李𪚥, drawn in the fallback font run by run) goes through ``kuaiji.collection.basic_info_form``."""

import io
import re
from datetime import date
from typing import Any

import segno
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from kuaiji.collection.basic_info_form import (
    MISSING_GLYPH,
    draw_text,
    font_for,
    paragraph_markup,
    registered_font,
    string_width,
)

from .constants import EXTRACT_TITLE

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 20 * mm
TABLE_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
LABEL_WIDTH = 32 * mm
QR_SIZE = 38 * mm
GREY = Color(0.4, 0.4, 0.4)
LABEL_FILL = Color(0.95, 0.95, 0.95)
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")

NO_CREDIT_ENTRIES = "无"
CREDIT_LABEL = "信用记录（有效期内）"
NOTE = (
    "本证明由平台依据人员档案自动生成，并以平台证书进行数字签名。请扫描二维码或在查验页面输入查验码，"
    "核对证明内容与有效状态；内容以查验结果为准。持有人可提前撤销本证明。"
)


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as a PNG (error correction M, black on white, the usual quiet zone)."""
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def _clean(text: Any, limit: int = 300) -> str:
    text = _CONTROL_CHARACTERS.sub("", str(text).replace("\r", "")).strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "".join(ch if ch == "\n" or font_for(ch) is not None else MISSING_GLYPH for ch in text)


def _chinese_date(value: str) -> str:
    day = date.fromisoformat(value)
    return f"{day.year}年{day.month}月{day.day}日"


def rows_of(snapshot: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) rows the extract prints and the verification page shows, from the snapshot."""
    return [
        ("姓名", snapshot["full_name"]),
        ("证件类型", snapshot["document_type"]),
        ("证件号码", snapshot["document_number"]),
        ("专业技术资格", snapshot["qualification"]),
        ("学历", snapshot["education"]),
        ("工作单位", snapshot["employer"]),
        ("会计管理部门", snapshot["department"]),
    ]


def render_extract(
    snapshot: dict[str, Any], *, display_code: str, url: str, site_name: str, department_name: str
) -> bytes:
    """The extract's PDF, one A4 page; ``snapshot`` is what ``selectors.snapshot_of`` made."""
    font = registered_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=font, initialFontSize=10)
    name = _clean(snapshot["full_name"], 50)
    canvas.setTitle(f"{EXTRACT_TITLE}（{name}）")
    canvas.setAuthor(site_name)
    canvas.setCreator(site_name)
    canvas.setSubject(f"查验码 {display_code}")

    top = PAGE_HEIGHT - 22 * mm
    draw_text(canvas, PAGE_WIDTH / 2, top, EXTRACT_TITLE, 22, bold=True, align="center")
    draw_text(
        canvas, PAGE_WIDTH / 2, top - 9 * mm, _clean(department_name, 60), 11, align="center", color=GREY
    )
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    intro = Paragraph(
        paragraph_markup(
            f"兹证明，截至{_chinese_date(snapshot['issued_on'])}，{_clean(site_name, 60)}"
            f"人员档案中登记的该人员信息如下："
        ),
        body,
    )
    _, height = intro.wrap(TABLE_WIDTH, 40 * mm)
    y = top - 18 * mm - height
    intro.drawOn(canvas, MARGIN_X, y)

    cell = ParagraphStyle("cell", fontName=font, fontSize=11, leading=15, wordWrap="CJK")
    rows = [(label, _clean(value)) for label, value in rows_of(snapshot)]
    credit = "\n".join(f"{i}. {_clean(line)}" for i, line in enumerate(snapshot["credit_lines"], 1))
    rows.append((CREDIT_LABEL, credit or NO_CREDIT_ENTRIES))
    y -= 5 * mm
    canvas.setLineWidth(0.5)
    for label, value in rows:
        label_paragraph = Paragraph(paragraph_markup(label), cell)
        value_paragraph = Paragraph(paragraph_markup(value), cell)
        _, label_height = label_paragraph.wrap(LABEL_WIDTH - 6 * mm, PAGE_HEIGHT)
        _, value_height = value_paragraph.wrap(TABLE_WIDTH - LABEL_WIDTH - 6 * mm, PAGE_HEIGHT)
        row_height = max(label_height, value_height) + 5 * mm
        y -= row_height
        canvas.saveState()
        canvas.setFillColor(LABEL_FILL)
        canvas.rect(MARGIN_X, y, LABEL_WIDTH, row_height, stroke=1, fill=1)
        canvas.restoreState()
        canvas.rect(MARGIN_X + LABEL_WIDTH, y, TABLE_WIDTH - LABEL_WIDTH, row_height)
        label_paragraph.drawOn(canvas, MARGIN_X + 3 * mm, y + (row_height - label_height) / 2)
        value_paragraph.drawOn(canvas, MARGIN_X + LABEL_WIDTH + 3 * mm, y + (row_height - value_height) / 2)

    # The verification block: the QR code, and beside it the code, the address and the dates.
    block_top = min(y - 10 * mm, 95 * mm)
    qr_y = block_top - QR_SIZE
    canvas.drawImage(ImageReader(io.BytesIO(qr_png(url))), MARGIN_X, qr_y, QR_SIZE, QR_SIZE)
    text_x = MARGIN_X + QR_SIZE + 8 * mm
    text_width = TABLE_WIDTH - QR_SIZE - 8 * mm
    draw_text(canvas, text_x, block_top - 6 * mm, "查验码", 10, color=GREY)
    draw_text(canvas, text_x, block_top - 15 * mm, display_code, 20, bold=True)
    draw_text(canvas, text_x, block_top - 22 * mm, "查验地址", 10, color=GREY)
    url_size = 10.0 if string_width(url, 10) <= text_width else 10 * text_width / string_width(url, 10)
    draw_text(canvas, text_x, block_top - 28 * mm, url, url_size)
    dates = (
        f"开具日期：{_chinese_date(snapshot['issued_on'])}　　"
        f"有效期至：{_chinese_date(snapshot['expires_on'])}"
    )
    draw_text(canvas, text_x, block_top - 36 * mm, dates, 10.5)

    note_style = ParagraphStyle("note", fontName=font, fontSize=9, leading=13, wordWrap="CJK", textColor=GREY)
    note = Paragraph(paragraph_markup(NOTE), note_style)
    _, note_height = note.wrap(TABLE_WIDTH, 30 * mm)
    note.drawOn(canvas, MARGIN_X, qr_y - 6 * mm - note_height)

    canvas.setStrokeColor(GREY)
    canvas.line(MARGIN_X, 16 * mm, PAGE_WIDTH - MARGIN_X, 16 * mm)
    draw_text(canvas, MARGIN_X, 11 * mm, _clean(site_name, 60), 8, color=GREY)
    draw_text(canvas, PAGE_WIDTH - MARGIN_X, 11 * mm, f"查验码 {display_code}", 8, align="right", color=black)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
