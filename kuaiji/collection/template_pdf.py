"""Templates the applicant downloads and has filled in (the employer's 学历证明), drawn as PDF.

The text lives in ``document_templates/<name>.txt`` (first line the heading, the rest the body with
blanks to fill); the PDF is drawn with the vendored CJK font the personal basic information form uses,
so it prints and opens the same everywhere, unlike a .txt whose encoding Windows guesses wrong.
"""

import functools
import io
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .basic_info_form import registered_font

TEMPLATES_DIR = Path(__file__).parent / "document_templates"
MARGIN = 25 * mm
HEADING_SIZE = 18
BODY_SIZE = 12
LINE_HEIGHT = 9 * mm


@functools.cache
def template_pdf(name: str) -> bytes:
    """The PDF of template ``name``; FileNotFoundError when there is none. Same bytes every call."""
    if not name.replace("-", "").isalnum():
        raise FileNotFoundError(name)
    heading, *body = (TEMPLATES_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    font = registered_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, invariant=1)
    canvas.setTitle(heading.strip())
    width, height = A4
    canvas.setFont(font, HEADING_SIZE)
    y = height - MARGIN - HEADING_SIZE
    canvas.drawCentredString(width / 2, y, heading.strip())
    y -= 2 * LINE_HEIGHT
    canvas.setFont(font, BODY_SIZE)
    for line in body:
        if line.strip().startswith(("（单位公章）", "年")):
            # The stamp and the date stand at the right, as on a letter.
            canvas.drawRightString(width - MARGIN, y, line.strip())
        else:
            canvas.drawString(MARGIN, y, line)
        y -= LINE_HEIGHT
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def template_pdf_view(request: HttpRequest, name: str) -> HttpResponse:
    # Public: a blank template holds no personal data.
    try:
        content = template_pdf(name)
    except FileNotFoundError as error:
        raise Http404 from error
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
