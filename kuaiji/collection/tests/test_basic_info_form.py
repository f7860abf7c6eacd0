"""The printable 个人基本信息表 (PDF).

Requirements covered:
- the form is exactly one A4 page, also with very long values and with many repeated entries (which are
  cut, ending the section with "（其余 N 条见系统记录）");
- the CJK font is embedded (a FontFile2 in every font descriptor; ``pdffonts`` says ``emb yes`` when the
  command is installed), so it prints the same everywhere;
- the text is real text: the applicant's name (with the middle dot of a minority name) can be extracted;
- a character the font lacks (CJK Extension B, e.g. 𠇔) does not crash: it prints as 〓;
- with a work unit there is a place for the unit's stamp (盖章); without one, only the signature;
- the 1-inch photo is drawn as an image; without one, an empty box saying 照片.

No database. The two example forms are also saved as PNG under test-artifacts/pdf/ when ``pdftoppm`` is
installed, for people to look at.
"""

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from kuaiji.collection import basic_info_form
from kuaiji.collection.basic_info_form import (
    MISSING_GLYPH,
    BasicInfoSheet,
    SheetSection,
    _font_glyphs,
    render_basic_info_form,
)

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "pdf"
NAME = "阿依古丽·买买提"
RARE_NAME = "王𠇔"  # U+201D4, CJK Extension B: not in WenQuanYi Micro Hei
SITE = "会计人员信息管理平台"
DEPARTMENT = "西宁市城中区财政局会计管理科"


def portrait_jpeg() -> bytes:
    image = Image.new("RGB", (295, 413), (67, 142, 219))
    image.paste((240, 220, 200), (80, 60, 215, 230))  # a face, of sorts
    image.paste((40, 40, 60), (40, 260, 255, 413))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def sections(name: str = NAME, *, work_history: int = 3, long_values: bool = False) -> list[SheetSection]:
    address = "青海省西宁市城中区南大街 18 号院 3 号楼 2 单元 1102 室"
    if long_values:
        address = "青海省西宁市城中区南大街某某小区某某号楼某某单元" * 12
    return [
        SheetSection(
            "个人信息",
            [
                ("姓名", name),
                ("性别", "女"),
                ("民族", "维吾尔族"),
                ("出生日期", "1990年3月8日"),
                ("证件类型", "居民身份证"),
                ("证件号码", "630104199003081228"),
                ("政治面貌", "中共党员"),
                ("手机号码", "139 9712 3456"),
                ("电子邮箱", "ayiguli.maimaiti@example.cn"),
                ("通讯地址", address),
            ],
        ),
        SheetSection(
            "学历及专业技术资格",
            [
                ("最高学历", "大学本科"),
                ("所学专业", "会计学"),
                ("毕业院校", "新疆财经大学"),
                ("毕业时间", "2012年7月"),
                ("专业技术资格", "中级会计师"),
                ("取得时间", "2018年10月"),
                ("资格证书编号", "Z2018630100123"),
                (
                    "继续教育",
                    "2024年度已完成 90 学时" + ("，含网络课程与面授课程" * 20 if long_values else ""),
                ),
            ],
        ),
        SheetSection(
            "工作经历",
            [
                (
                    f"{2012 + i}年{1 + i % 12}月起",
                    f"青海某某会计师事务所有限公司 审计助理、项目经理 第 {i + 1} 段"
                    + ("，负责年报审计、内部控制审计及税务咨询工作" * 3 if long_values else ""),
                )
                for i in range(work_history)
            ],
            repeated=True,
        ),
        SheetSection(
            "工作单位",
            [
                ("单位名称", "青海高原明珠商贸有限责任公司"),
                ("统一社会信用代码", "91630104MA7XXXXX0K"),
                ("从事会计工作", "是"),
                ("会计岗位", "会计主管"),
            ],
        ),
    ]


def sheet(**overrides) -> BasicInfoSheet:
    values = {
        "person_name": NAME,
        "sections": sections(),
        "portrait_jpeg": portrait_jpeg(),
        "has_employer": True,
        "employer_name": "青海高原明珠商贸有限责任公司",
        "reference": "KJ-7Q4M-2XK9",
        "generated_on": date(2025, 6, 18),
    }
    values.update(overrides)
    return BasicInfoSheet(**values)  # type: ignore[arg-type]  # the test's values are right by construction


def render(value: BasicInfoSheet) -> bytes:
    return render_basic_info_form(value, site_name=SITE, department_name=DEPARTMENT)


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() for page in reader.pages)


def page_count(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def fonts_of(pdf: bytes) -> list[pypdf.generic.DictionaryObject]:
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    resources = page["/Resources"].get_object()
    assert isinstance(resources, pypdf.generic.DictionaryObject)
    fonts = resources["/Font"].get_object()
    assert isinstance(fonts, pypdf.generic.DictionaryObject)
    return [font.get_object() for font in fonts.values()]


def image_count(pdf: bytes) -> int:
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    resources = page["/Resources"].get_object()
    assert isinstance(resources, pypdf.generic.DictionaryObject)
    objects = resources.get("/XObject", {})
    return sum(1 for xobject in objects.values() if xobject.get_object()["/Subtype"] == "/Image")


def save_png(pdf: bytes, name: str) -> None:
    if shutil.which("pdftoppm") is None:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-singlefile",
            str(ARTIFACTS / f"{name}.pdf"),
            str(ARTIFACTS / name),
        ],
        check=True,
        timeout=60,
    )


def test_with_employer_is_one_page_with_the_name_and_a_place_for_the_stamp():
    pdf = render(sheet())
    save_png(pdf, "basic-info-with-employer")

    assert pdf.startswith(b"%PDF-")
    assert page_count(pdf) == 1
    text = text_of(pdf)
    assert NAME in text
    assert "会计人员个人基本信息表" in text
    assert DEPARTMENT in text
    assert "本人承诺以上信息真实、准确、完整。" in text
    assert "本人签字" in text
    assert "单位意见（盖章）" in text
    assert "青海高原明珠商贸有限责任公司" in text
    assert "KJ-7Q4M-2XK9" in text
    assert "2025年6月18日" in text


def test_without_employer_has_only_the_signature():
    pdf = render(sheet(has_employer=False, employer_name="", portrait_jpeg=None))
    save_png(pdf, "basic-info-without-employer")

    assert page_count(pdf) == 1
    text = text_of(pdf)
    assert NAME in text
    assert "本人签字" in text
    assert "盖章" not in text
    assert "单位意见" not in text


def test_the_cjk_font_is_embedded():
    pdf = render(sheet())

    fonts = fonts_of(pdf)
    assert fonts
    for font in fonts:
        # ReportLab embeds the TrueType font as subsets of up to 256 glyphs, each a simple font.
        assert "WenQuanYi" in font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"].get_object()
    if shutil.which("pdffonts") is None:
        return  # the pypdf check above still ran
    output = subprocess.run(
        ["pdffonts", "-"], input=pdf, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    font_lines = [line for line in output.splitlines()[2:] if line.strip()]
    assert font_lines
    for line in font_lines:
        assert "WenQuanYi" in line
        # Columns: name type encoding emb sub uni object-id.
        assert re.search(r"\byes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line), line


def test_a_character_outside_the_font_prints_as_a_box(monkeypatch):
    # WenQuanYi Micro Hei covers the BMP's CJK ideographs but no Extension B: 𠇔 is missing; with no
    # fallback font installed it prints as the mark (test_pdf_rare_characters covers the fallback).
    assert ord("𠇔") not in _font_glyphs()
    assert ord("·") in _font_glyphs()
    monkeypatch.setattr(basic_info_form, "_fallback_font", lambda: None)

    pdf = render(sheet(person_name=RARE_NAME, sections=sections(RARE_NAME)))

    assert page_count(pdf) == 1
    text = text_of(pdf)
    assert f"王{MISSING_GLYPH}" in text
    assert "𠇔" not in text


def test_very_long_values_still_fit_one_page():
    pdf = render(sheet(sections=sections(work_history=6, long_values=True)))

    assert page_count(pdf) == 1
    text = text_of(pdf)
    assert NAME in text
    # Long values are kept (up to 300 characters); if anything is cut, it is work history.
    assert "青海省西宁市城中区南大街某某小区" in text
    assert text.count("见系统记录") <= 1
    if "见系统记录" in text:
        assert text.index("见系统记录") > text.index("工作经历")
        assert text.index("见系统记录") < text.index("统一社会信用代码")


def test_many_repeated_entries_are_cut_with_a_note():
    pdf = render(sheet(sections=sections(work_history=80)))

    assert page_count(pdf) == 1
    text = text_of(pdf)
    match = re.search(r"（其余 (\d+) 条见系统记录）", text)
    assert match, text
    omitted = int(match.group(1))
    shown = len(re.findall(r"审计助理、项目经理 第 \d+ 段", text))
    assert shown > 3
    assert shown + omitted == 80
    assert "第 80 段" not in text
    # Only the long section was cut.
    assert "统一社会信用代码" in text
    assert "ayiguli.maimaiti@example.cn" in text


@pytest.mark.parametrize(("photo", "images"), [(portrait_jpeg(), 1), (None, 0)])
def test_the_photo_is_drawn_or_an_empty_box_says_so(photo, images):
    pdf = render(sheet(portrait_jpeg=photo))

    assert image_count(pdf) == images
    assert ("照片" in text_of(pdf)) is (photo is None)


def test_odd_input_does_not_break_the_page():
    odd = [
        SheetSection("空的部分", []),
        SheetSection("符号", [("标签<b>", "A & B <i>不是标记</i>\r\n第二行\x00"), ("空值", "")]),
    ]
    pdf = render(sheet(sections=odd, reference="", generated_on=None))

    assert page_count(pdf) == 1
    text = text_of(pdf)
    assert "A & B <i>不是标记</i>" in text
    assert "第二行" in text
