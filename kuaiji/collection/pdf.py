"""The personal basic information form of a submission: the same rows as the summary page."""

from django.conf import settings
from django.utils import timezone

from . import services, summary
from .basic_info_form import BasicInfoSheet, SheetSection, render_basic_info_form
from .sections import SECTION_FORMS


def sheet_for(answers: dict, *, portrait_jpeg: bytes | None, reference: str) -> BasicInfoSheet:
    employer = answers.get("employer", {})
    return BasicInfoSheet(
        person_name=answers.get("personal", {}).get("full_name", ""),
        # The same rows as the review page and the archive (``summary.section_rows``).
        sections=[
            SheetSection(title=part.title, rows=[tuple(row) for row in part.rows])
            for part in summary.section_rows({key: {} for key in SECTION_FORMS} | dict(answers))
        ],
        portrait_jpeg=portrait_jpeg,
        has_employer=bool(employer.get("has_employer")),
        employer_name=employer.get("employer_name", ""),
        reference=reference,
        generated_on=timezone.localdate(),
    )


def basic_info_pdf(submission) -> bytes | None:
    """The PDF, or None while a section is incomplete or the 1-inch photo is missing."""
    answers = services.validated_answers(submission)
    portrait = services.portrait_of(submission)
    if any(key not in answers for key in SECTION_FORMS) or portrait is None:
        return None
    with portrait.file.open("rb") as handle:
        portrait_jpeg = handle.read()
    sheet = sheet_for(answers, portrait_jpeg=portrait_jpeg, reference=submission.reference)
    return render_basic_info_form(
        sheet, site_name=settings.KUAIJI_SITE_NAME, department_name=settings.KUAIJI_DEPARTMENT_NAME
    )
