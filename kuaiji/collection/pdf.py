"""The personal basic information form of a submission: the same rows as the summary page."""

from django.conf import settings
from django.utils import timezone

from . import services, summary
from .basic_info_form import BasicInfoSheet, SheetSection, render_basic_info_form
from .sections import SECTION_FORMS
from .selectors import basic_info_form_ready

DOCUMENT_NUMBER_LABEL = "身份证件号码"


def sheet_for(
    answers: dict, *, portrait_jpeg: bytes | None, reference: str, document_number: str = ""
) -> BasicInfoSheet:
    employer = answers.get("employer", {})
    # The same rows as the review page and the archive (``summary.section_rows``).
    sections = [
        SheetSection(title=part.title, rows=[(row.label, row.value) for row in part.rows])
        for part in summary.section_rows({key: {} for key in SECTION_FORMS} | dict(answers))
    ]
    if document_number and sections:
        # The number is the account's, not a wizard answer; the signed form must still show whose it is.
        first = sections[0]
        rows = [*first.rows[:1], (DOCUMENT_NUMBER_LABEL, document_number), *first.rows[1:]]
        sections[0] = SheetSection(title=first.title, rows=rows)
    return BasicInfoSheet(
        person_name=answers.get("personal", {}).get("full_name", ""),
        sections=sections,
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
    if portrait is None or not basic_info_form_ready(submission, answers=answers):
        return None
    with portrait.file.open("rb") as handle:
        portrait_jpeg = handle.read()
    sheet = sheet_for(
        answers,
        portrait_jpeg=portrait_jpeg,
        reference=submission.reference,
        document_number=submission.applicant.document_number,
    )
    return render_basic_info_form(
        sheet, site_name=settings.KUAIJI_SITE_NAME, department_name=settings.KUAIJI_DEPARTMENT_NAME
    )


def download_basic_info_form(submission) -> bytes | None:
    """The PDF the applicant downloads to sign (page and API): while the submission can be edited, what
    it shows is remembered, so a later change makes the signed form out of date (``form_status``)."""
    from .constants import EDITABLE_STATUSES
    from .form_status import record_form_generated

    content = basic_info_pdf(submission)
    if content is not None and submission.status in EDITABLE_STATUSES:
        record_form_generated(submission)
    return content
