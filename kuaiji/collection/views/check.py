"""Checking everything before submitting (核对并提交), submitting, and the confirmation page."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from kuaiji.core.http import posted_version

from .. import form_status, plausibility, services
from ..attachments import required_attachments
from ..constants import EDITABLE_STATUSES, Status
from ..plausibility import plausibility_warnings
from ..sections import SECTION_FORMS
from ..windows import submission_window
from .access import applicant_required, editable_submission, progress, step_url, warn_conflict


@applicant_required
def check(request):
    submission = editable_submission(request)
    answers = services.validated_answers(submission)
    error = error_code = ""
    out_of_date = {attachment.pk for attachment in form_status.out_of_date_forms(submission)}
    warnings = plausibility_warnings(answers)
    if request.method == "POST":
        try:
            services.submit(
                submission,
                expected_version=posted_version(request),
                commitment_accepted=bool(request.POST.get("commitment")),
                plausibility_confirmed=bool(request.POST.get("plausibility_confirmed")),
            )
        except ValidationError as exc:
            error, error_code = exc.messages[0], exc.code or ""
        except services.DraftConflict:
            warn_conflict(request)
        except services.NotEditable as exc:
            error = str(exc)
        else:
            return redirect("collection:submitted")
        submission.refresh_from_db()
    summary = [
        {
            "key": key,
            "title": form.title,
            "url": step_url(key),
            "rows": form.rows(answers[key]) if key in answers else None,
        }
        for key, form in SECTION_FORMS.items()
    ]
    order = {req.slot: index for index, req in enumerate(required_attachments(answers))}
    files = sorted(
        submission.attachments.exclude(slot=services.PORTRAIT_SLOT),
        key=lambda attachment: (order.get(attachment.slot, len(order)), attachment.created_at),
    )
    labels = {req.slot: req.label for req in required_attachments(answers)}
    attachment_rows = [(labels.get(a.slot, a.slot), a) for a in files]
    return render(
        request,
        "collection/check.html",
        {
            "submission": submission,
            "summary": summary,
            "attachment_rows": attachment_rows,
            "error": error,
            "error_code": error_code,
            "signed_form_out_of_date": bool(out_of_date),
            "out_of_date_pages": out_of_date,
            "warnings": warnings,
            "confirmation_label": plausibility.CONFIRMATION_LABEL,
            "out_of_date_message": form_status.out_of_date_message(submission),
            "portrait": services.portrait_of(submission),
            "editable": submission.status in EDITABLE_STATUSES,
            "window": submission_window(submission, answers=answers),
            **progress(submission, "check"),
        },
        status=400 if error else 200,
    )


@applicant_required
def submitted(request):
    submission = services.latest_submission(request.user)
    if submission is None or submission.status != Status.PENDING:
        return redirect("collection:overview")
    return render(request, "collection/submitted.html", {"submission": submission})
