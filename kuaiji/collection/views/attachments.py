"""The attachments page: the images the answers need, uploading, deleting and showing one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kuaiji.core.http import safe_next
from kuaiji.core.storage import private_file_response

from .. import services, upload_feedback
from ..attachments import required_attachments
from ..constants import EDITABLE_STATUSES
from ..models import Attachment
from ..sections import SECTION_FORMS
from .access import applicant_required, editable_submission, progress


@applicant_required
def attachments(request):
    submission = editable_submission(request)
    answers = services.validated_answers(submission)
    requirements = required_attachments(answers)
    files: dict[str, list[Attachment]] = {}
    for attachment in submission.attachments.exclude(slot=services.PORTRAIT_SLOT):
        files.setdefault(attachment.slot, []).append(attachment)
    refusals = upload_feedback.take_refusals(request)
    slots = [
        {"requirement": req, "files": files.get(req.slot, []), "errors": refusals.get(req.slot, [])}
        for req in requirements
    ]
    missing = [req.label for req in requirements if not files.get(req.slot)]
    return render(
        request,
        "collection/attachments.html",
        {
            "submission": submission,
            "slots": slots,
            "missing": missing,
            "sections_incomplete": [services.SECTION_TITLES[s] for s in SECTION_FORMS if s not in answers],
            "editable": submission.status in EDITABLE_STATUSES,
            **progress(submission, "attachments"),
        },
    )


@applicant_required
@require_POST
def upload_attachment(request, slot):
    submission = editable_submission(request)
    uploads = request.FILES.getlist("files")
    errors: list[str] = []
    if not uploads:
        errors.append("请选择要上传的图片")
    for upload in uploads:
        try:
            services.add_attachment(submission, slot=slot, upload=upload)
        except ValidationError as error:
            errors.append(f"{upload.name}：{error.messages[0]}")
        except services.NotEditable as error:
            errors.append(str(error))
            break
    target = f"{safe_next(request, reverse('collection:attachments'))}#slot-{slot}"
    if upload_feedback.is_background_request(request):
        if errors:
            return JsonResponse({"slot": slot, "errors": errors}, status=400)
        return JsonResponse({"next": target})
    if errors:
        upload_feedback.remember_refusals(request, slot=slot, errors=errors)
    return redirect(target)


def _own_attachment(request, attachment_uuid) -> Attachment:
    return get_object_or_404(Attachment, uuid=attachment_uuid, owner=request.user)


@applicant_required
@require_POST
def delete_attachment(request, attachment_uuid):
    attachment = _own_attachment(request, attachment_uuid)
    submission = editable_submission(request)
    if attachment.submission_id != submission.pk:
        raise Http404
    try:
        services.remove_attachment(submission, attachment=attachment)
    except services.NotEditable as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已删除。")
    return redirect(safe_next(request, reverse("collection:attachments")))


@applicant_required
def attachment_file(request, attachment_uuid):
    attachment = _own_attachment(request, attachment_uuid)
    return private_file_response(
        attachment.file, download_name=f"{attachment.slot}{attachment.file.name[-4:]}", inline=True
    )
