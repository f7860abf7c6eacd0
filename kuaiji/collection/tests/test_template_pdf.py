"""Templates an applicant downloads (the employer's 学历证明) are PDFs, not .txt files.

Requirements covered (issue 8, defect 19): the attachments page links a PDF for the education proof;
the link answers application/pdf whose text is the template's, heading and blanks included, drawn in the
project's CJK font; an unknown template is a 404.
"""

import io
import re

import pytest
from pypdf import PdfReader

from kuaiji.collection import services

from . import helpers


def test_the_attachments_page_links_the_education_proof_as_a_pdf(applicant_client):
    submission = services.start_collection(applicant_client.applicant)
    services.save_section(
        submission,
        section="education",
        data={**helpers.EDUCATION, "certificate_lost": "on", "certificate_number": ""},
        expected_version=submission.version,
    )

    page = applicant_client.get("/collection/attachments/").content.decode()
    links = re.findall(r'href="([^"]+)"[^>]*>下载模板', page)

    assert len(links) == 1
    response = applicant_client.get(links[0])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "学历证明" in text
    assert "特此证明" in text and "单位公章" in text


@pytest.mark.django_db
def test_an_unknown_template_is_not_found(client):
    assert client.get("/collection/forms/no-such-template.pdf").status_code == 404
