"""The printable 个人基本信息表: what one PDF costs, against writing the same text with ReportLab's built-in
fonts (nothing embedded, no layout) in the same run."""

import io
import time
from datetime import date

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from bench.accounts_bench import report, timed
from kuaiji.collection.basic_info_form import BasicInfoSheet, SheetSection, render_basic_info_form


def typical_sheet() -> BasicInfoSheet:
    image = Image.new("RGB", (295, 413), (67, 142, 219))
    image.paste((240, 220, 200), (80, 60, 215, 230))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return BasicInfoSheet(
        person_name="阿依古丽·买买提",
        sections=[
            SheetSection(
                "个人信息",
                [
                    ("姓名", "阿依古丽·买买提"),
                    ("性别", "女"),
                    ("民族", "维吾尔族"),
                    ("出生日期", "1990年3月8日"),
                    ("证件类型", "居民身份证"),
                    ("证件号码", "630104199003081228"),
                    ("手机号码", "139 9712 3456"),
                    ("通讯地址", "青海省西宁市城中区南大街 18 号院 3 号楼 2 单元 1102 室"),
                ],
            ),
            SheetSection(
                "学历及专业技术资格",
                [
                    ("最高学历", "大学本科"),
                    ("所学专业", "会计学"),
                    ("专业技术资格", "中级会计师"),
                    ("取得时间", "2018年10月"),
                ],
            ),
            SheetSection(
                "工作经历",
                [
                    (f"{2012 + i}年7月起", f"青海某某会计师事务所有限公司 审计助理 第 {i + 1} 段")
                    for i in range(5)
                ],
                repeated=True,
            ),
            SheetSection(
                "工作单位", [("单位名称", "青海高原明珠商贸有限责任公司"), ("会计岗位", "会计主管")]
            ),
        ],
        portrait_jpeg=buffer.getvalue(),
        has_employer=True,
        employer_name="青海高原明珠商贸有限责任公司",
        reference="KJ-7Q4M-2XK9",
        generated_on=date(2025, 6, 18),
    )


def plain_canvas(sheet: BasicInfoSheet, font_name: str) -> bytes:
    """The same text, one drawString per row, in a font ReportLab does not embed."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setFont(font_name, 9)
    y = 800.0
    for section in sheet.sections:
        canvas.drawString(50, y, section.title)
        y -= 14
        for label, value in section.rows:
            canvas.drawString(60, y, f"{label}：{value}")
            y -= 14
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def run() -> None:
    sheet = typical_sheet()

    def ours() -> bytes:
        return render_basic_info_form(sheet, site_name="会计人员信息管理平台", department_name="西宁市财政局")

    start = time.perf_counter()
    size = len(ours())  # the first call also loads the font (once per process)
    print(f"{'basic info PDF, first call in the process':<44} {(time.perf_counter() - start) * 1000:9.3f} ms")

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    samples = timed(ours, repeat=20)
    report(
        f"basic info PDF, one page ({size // 1024} KB)",
        samples,
        timed(lambda: plain_canvas(sheet, "Helvetica"), repeat=20),
        "Helvetica drawString",
    )
    report(
        "basic info PDF, one page",
        samples,
        timed(lambda: plain_canvas(sheet, "STSong-Light"), repeat=20),
        "STSong-Light (CID, not embedded)",
    )
