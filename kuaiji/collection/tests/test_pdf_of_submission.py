"""The personal basic information form (个人基本信息表) of a real submission, from ``basic_info_pdf``.

Requirements covered:
- a filled submission gives a one-page PDF whose CJK font is embedded (a ``FontFile2`` in each font
  descriptor; ``pdffonts`` says ``emb yes`` when it is installed), with the applicant's name, the
  answers (unit, qualification) and the submission's reference as real text;
- with a work unit there is the unit's place to stamp (盖章); with no work unit, none;
- while a section is incomplete, or the 1-inch photo is missing, there is no PDF (None).
"""

import io
import re
import shutil
import subprocess

import pypdf
import pytest

from kuaiji.collection import services
from kuaiji.collection.models import Attachment
from kuaiji.collection.pdf import basic_info_pdf

from . import helpers

pytestmark = pytest.mark.django_db


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in reader(pdf).pages)


def test_a_filled_submission_is_one_page_with_an_embedded_font_and_the_name(applicant_client, fill):
    submission = fill(applicant_client.applicant, qualification=helpers.QUALIFICATION_JUNIOR)

    pdf = basic_info_pdf(submission)

    assert pdf is not None and pdf.startswith(b"%PDF-")
    document = reader(pdf)
    assert len(document.pages) == 1
    text = text_of(pdf)
    assert "林晓芸" in text
    assert "西宁虚构商贸有限公司" in text and helpers.CREDIT_CODE in text
    assert "初级" in text and "Z630100001" in text
    assert submission.reference in text
    assert "盖章" in text
    page = document.pages[0]
    images = [x.get_object() for x in page["/Resources"].get("/XObject", {}).values()]
    assert any(image["/Subtype"] == "/Image" for image in images)  # the 1-inch photo
    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        assert "/FontFile2" in font["/FontDescriptor"].get_object()
    if shutil.which("pdffonts") is None:
        return  # the pypdf check above still ran
    output = subprocess.run(
        ["pdffonts", "-"], input=pdf, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    lines = [line for line in output.splitlines()[2:] if line.strip()]
    assert lines
    for line in lines:
        # Columns: name type encoding emb sub uni object-id.
        assert re.search(r"\byes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line), line


def test_without_a_work_unit_there_is_no_stamp(applicant_client, fill):
    submission = fill(applicant_client.applicant, has_employer=False)

    pdf = basic_info_pdf(submission)

    assert pdf is not None
    assert len(reader(pdf).pages) == 1
    text = text_of(pdf)
    assert "林晓芸" in text
    assert "本人签字" in text
    assert "盖章" not in text
    assert "西宁虚构商贸有限公司" not in text


def test_no_pdf_while_a_section_is_incomplete(applicant_client, fill):
    submission = fill(applicant_client.applicant, attachments=False)
    assert basic_info_pdf(submission) is not None  # complete: attachments are not needed for it

    services.save_section(
        submission,
        section="qualification",
        data={**helpers.QUALIFICATION_NONE, "accounting_post": "clerk"},  # 聘任时间 missing
        expected_version=submission.version,
    )

    assert basic_info_pdf(submission) is None


def test_no_pdf_without_the_photo(applicant_client, fill):
    submission = fill(applicant_client.applicant, attachments=False)

    services.remove_attachment(submission, attachment=services.portrait_of(submission))

    assert not Attachment.objects.filter(slot=services.PORTRAIT_SLOT).exists()
    assert basic_info_pdf(submission) is None
