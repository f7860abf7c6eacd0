"""Rare characters and the document number on the 个人基本信息表 (defect 10).

Requirements covered:
- a name with a character from each CJK extension block the fallback font covers (B, C, D, E, F) prints
  as that character, not 〓, and the fallback font is embedded (as a subset);
- without a fallback font installed, the form is still produced, with 〓 in place of the character;
- the form carries the applicant's document number.
"""

import io
import os

import pypdf
import pytest

from kuaiji.collection import basic_info_form
from kuaiji.collection.basic_info_form import BasicInfoSheet, SheetSection, render_basic_info_form
from kuaiji.collection.pdf import basic_info_pdf

from . import helpers

# One character from each extension block (Unicode 10 blocks the Hanazono font covers).
RARE = {
    "B": "\U0002a6a5",  # 𪚥
    "C": "\U0002a700",
    "D": "\U0002b740",
    "E": "\U0002b820",
    "F": "\U0002ceb0",
}

# Skipped loudly on a machine without the font; in CI (KUAIJI_REQUIRE_ALL=1) a missing font is a failure.
needs_fallback = pytest.mark.skipif(
    basic_info_form.fallback_font_path() is None and os.environ.get("KUAIJI_REQUIRE_ALL") != "1",
    reason="no fallback CJK font installed (apt-get install fonts-hanazono, as .ci/run does)",
)


def render(name: str) -> bytes:
    sheet = BasicInfoSheet(
        person_name=name,
        sections=[SheetSection(title="个人信息", rows=[("姓名", name)])],
        portrait_jpeg=None,
        has_employer=False,
    )
    return render_basic_info_form(sheet, site_name="测试站点", department_name="虚构财政局")


def fonts_of(pdf: bytes) -> list[str]:
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = page["/Resources"]["/Font"]  # type: ignore[index]  # pypdf types a page entry as PdfObject
    return [str(font.get_object()["/BaseFont"]) for font in fonts.values()]


def text_of(pdf: bytes) -> str:
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


@needs_fallback
@pytest.mark.parametrize("block", sorted(RARE))
def test_a_name_from_each_extension_block_prints(block):
    name = "李" + RARE[block]

    pdf = render(name)

    text = text_of(pdf)
    assert basic_info_form.MISSING_GLYPH not in text
    assert RARE[block] in text
    assert any(basic_info_form.FALLBACK_FONT_NAME in font for font in fonts_of(pdf))


def test_without_a_fallback_font_the_character_is_marked_missing(monkeypatch):
    monkeypatch.setattr(basic_info_form, "_fallback_font", lambda: None)

    text = text_of(render("李" + RARE["B"]))

    assert "李" + basic_info_form.MISSING_GLYPH in text


@pytest.mark.django_db
def test_the_form_carries_the_document_number(applicant_client, fill):
    submission = fill(applicant_client.applicant, qualification=helpers.QUALIFICATION_JUNIOR)

    pdf = basic_info_pdf(submission)

    assert pdf is not None
    assert applicant_client.applicant.document_number in text_of(pdf)
