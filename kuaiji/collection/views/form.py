"""The personal basic information form (个人基本信息表): its page and the PDF to print and sign."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from .. import form_status, services, upload_feedback
from ..constants import EDITABLE_STATUSES
from ..pdf import download_basic_info_form
from ..sections import SECTION_FORMS
from ..selectors import basic_info_form_ready
from .access import applicant_required, editable_submission, progress


@applicant_required
def basic_info_form(request):
    submission = editable_submission(request)
    answers = services.validated_answers(submission)
    signed = list(submission.attachments.filter(slot=form_status.SIGNED_FORM_SLOT))
    out_of_date = {attachment.pk for attachment in form_status.out_of_date_forms(submission)}
    return render(
        request,
        "collection/basic_info_form.html",
        {
            "submission": submission,
            "ready": basic_info_form_ready(submission, answers=answers),
            "signed": signed,
            "signed_form_out_of_date": bool(out_of_date),
            "out_of_date_pages": out_of_date,
            "out_of_date_message": form_status.out_of_date_message(submission),
            "upload_errors": upload_feedback.take_refusals(request).get(form_status.SIGNED_FORM_SLOT, []),
            "has_employer": answers.get("employer", {}).get("has_employer"),
            "incomplete": [services.SECTION_TITLES[s] for s in SECTION_FORMS if s not in answers],
            "editable": submission.status in EDITABLE_STATUSES,
            **progress(submission, "basic_info_form"),
        },
    )


@applicant_required
def basic_info_pdf_view(request):
    submission = services.open_submission(request.user) or services.latest_submission(request.user)
    if submission is None:
        raise Http404
    content = download_basic_info_form(submission)
    if content is None:
        messages.error(request, "请先完成个人信息、工作单位、学历和专业技术资格，并上传一寸照片。")
        return redirect("collection:basic_info_form")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="basic-info-form.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
