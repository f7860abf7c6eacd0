"""The applicant's information collection through the API: the submission, its sections, photo, attachments, form, submit and withdraw."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.html import strip_tags

from ninja import File, UploadedFile
from ninja import Status as Reply

from kuaiji.collection import services
from kuaiji.collection.attachments import required_attachments
from kuaiji.collection.constants import Status, SubmissionKind
from kuaiji.collection.models import Attachment, Submission
from kuaiji.collection.pdf import download_basic_info_form
from kuaiji.collection.selectors import applicant_status, submission_history
from kuaiji.core.portraits import normalise_portrait
from kuaiji.core.storage import private_file_response

from ..errors import ApiError
from ..schemas import (
    AttachmentOut,
    AttachmentsOut,
    ChangeIn,
    HistoryOut,
    NoticeOut,
    PortraitOut,
    SectionIn,
    SectionInvalidOut,
    SectionOut,
    SectionSavedOut,
    SubmissionOut,
    SubmitIn,
    VersionIn,
    VersionOut,
)
from . import applicant_auth, router
from .shared import (
    ERRORS,
    IMAGE_UUID,
    INVALID,
    MAX_FILES_PER_UPLOAD,
    SLOT,
    _attachment_out,
    _check_section,
    _draft_errors,
    _field_error,
    _invalid,
    _latest_submission,
    _open_submission,
    _own_attachment,
    _require_editable,
    _section_errors,
    _submission_out,
)

# --- the applicant's submission --------------------------------------------------------------------------


@router.get(
    "/me/submission", auth=applicant_auth, response={200: SubmissionOut, **ERRORS}, summary="我的信息登记"
)
def my_submission(request):
    """The latest submission (first collection, change or transfer): status, department, due date, the
    decision's reason and the state of each step. 404 before the first one is started."""
    status = applicant_status(request.auth)  # the same read as the overview page
    if status is None:
        raise ApiError(404, "not_found", "您还没有信息登记")
    return {
        **_submission_out(status.submission, states=status.task_states()),
        "editable": status.editable,
        "can_change": status.can_change,
        "history": [
            {"at": entry.at, "action": entry.action, "label": entry.label} for entry in status.history
        ],
    }


@router.post(
    "/me/submission", auth=applicant_auth, response={201: SubmissionOut, **ERRORS}, summary="开始信息采集"
)
def start_submission(request):
    """Start the first collection, or get the submission that is still open. After an approval,
    changes go through `POST /me/submission/change` (400 `already_approved`)."""
    return Reply(201, _submission_out(services.start_collection(request.auth)))


@router.post(
    "/me/submission/change",
    auth=applicant_auth,
    response={201: SubmissionOut, **ERRORS},
    summary="申请信息变更或调转",
)
def start_change(request, payload: ChangeIn):
    """A change (`change`) or a transfer to another management department (`transfer`) starts from a
    copy of the approved record. 400 while another submission is open or nothing is approved yet."""
    kind = SubmissionKind.TRANSFER if payload.kind == "transfer" else SubmissionKind.CHANGE
    return Reply(201, _submission_out(services.start_change(request.auth, kind=kind)))


@router.get(
    "/me/submission/notice",
    auth=applicant_auth,
    response={200: NoticeOut, **ERRORS},
    summary="阅读须知的内容",
)
def read_notice(request):
    """The current notice (须知) to show before accepting it."""
    notice = services.current_notice()
    if notice is None:
        raise ApiError(404, "not_found", "须知尚未发布，请稍后再试")
    return {"version": notice.version, "title": notice.title, "paragraphs": notice.paragraphs}


@router.post(
    "/me/submission/notice",
    auth=applicant_auth,
    response={200: VersionOut, **ERRORS},
    summary="确认已阅读须知",
)
def accept_notice(request, payload: VersionIn):
    """Accept the current notice. `version` is the submission's version; the new one is returned."""
    submission = _open_submission(request)
    notice = services.current_notice()
    if notice is None:
        raise ApiError(409, "notice_missing", "须知尚未发布，请稍后再试")
    with _draft_errors():
        services.accept_notice(submission, notice=notice, expected_version=payload.version)
    return {"version": submission.version}


@router.get(
    "/me/submission/sections/{section}",
    auth=applicant_auth,
    response={200: SectionOut, **ERRORS},
    summary="读取一部分的填写内容",
)
def read_section(request, section: str):
    """`personal`, `employer`, `education` or `qualification`: what is stored, whether it is complete,
    and the messages of what still needs fixing."""
    _check_section(section)
    submission = _open_submission(request)
    stored = submission.answers.get(section) or {}
    data = {key: value for key, value in stored.items() if not key.startswith("_")}
    if not stored:
        return {"version": submission.version, "complete": False, "data": {}, "errors": {}}
    built = services.build_section(submission, section, None)
    errors = {} if built.complete else _section_errors(built)
    return {"version": submission.version, "complete": built.complete, "data": data, "errors": errors}


@router.put(
    "/me/submission/sections/{section}",
    auth=applicant_auth,
    response={200: SectionSavedOut, 400: SectionInvalidOut, **{k: v for k, v in ERRORS.items() if k != 400}},
    summary="保存一部分的填写内容",
)
def save_section(request, section: str, payload: SectionIn):
    """Save a section as sent. Valid: 200 with the validated answers. Not valid: 400 with the messages
    per field — the draft keeps what was sent all the same, and the answer carries the new `version`.
    A stale `version` (saved elsewhere meanwhile) is 409 and nothing is saved.

    A new mobile in `personal` must have been verified first (`POST /me/submission/mobile`)."""
    _check_section(section)
    submission = _open_submission(request)
    # Keys starting with "_" are the server's own notes in a section (e.g. verified mobiles).
    data = {key: value for key, value in payload.data.items() if not key.startswith("_")}
    with _draft_errors():
        services.save_section(submission, section=section, data=data, expected_version=payload.version)
    built = services.build_section(submission, section, None)
    if built.complete:
        return Reply(200, {"version": submission.version, "complete": True, "answers": built.answers})
    return Reply(
        400,
        {
            "code": "invalid",
            "message": INVALID,
            "errors": _section_errors(built),
            "version": submission.version,
        },
    )


@router.post(
    "/me/submission/portrait",
    auth=applicant_auth,
    response={200: PortraitOut, **ERRORS},
    summary="上传一寸照片",
)
def upload_portrait(request, portrait: File[UploadedFile]):
    """Any photo (JPG or PNG, at most KUAIJI_IMAGE_MAX_BYTES, 10 MB by default) is cropped around the face and scaled to the standard
    1-inch photo, which replaces the previous one. The result's size is returned."""
    submission = _open_submission(request)
    _require_editable(submission)
    try:
        normalised = normalise_portrait(portrait)
    except ValidationError as error:
        raise _field_error("portrait", error) from error
    with _draft_errors():
        services.set_portrait(submission, portrait=normalised, original_name=portrait.name or "")
    return {"width": normalised.width, "height": normalised.height, "size": normalised.size}


@router.get(
    "/me/submission/attachments",
    auth=applicant_auth,
    response={200: AttachmentsOut, **ERRORS},
    summary="需要的附件和已上传的图片",
)
def list_attachments(request):
    """The attachment slots the answers need (each with why and how many images it takes) and the
    images uploaded so far, the 1-inch photo (slot `portrait`) included. Not paginated: a submission
    has a few dozen images at most."""
    submission = _open_submission(request)
    required = required_attachments(services.validated_answers(submission))
    return {
        "required": [
            {"slot": req.slot, "label": req.label, "reason": req.reason, "max_files": req.max_files}
            for req in required
        ],
        "files": [_attachment_out(attachment) for attachment in submission.attachments.all()],
    }


@router.get(
    "/me/submission/attachments/{item}/file",
    auth=applicant_auth,
    response={200: None, **ERRORS},
    summary="查看上传的图片",
    openapi_extra={
        "responses": {
            200: {
                "description": "The image (JPEG or PNG).",
                "content": {"image/jpeg": {}, "image/png": {}},
            }
        }
    },
)
def attachment_file(request, item: str = IMAGE_UUID):
    """One of the applicant's own images (of any of their submissions)."""
    attachment = _own_attachment(request, item)
    return private_file_response(
        attachment.file, download_name=f"{attachment.slot}{attachment.file.name[-4:]}", inline=True
    )


@router.delete(
    "/me/submission/attachments/{item}",
    auth=applicant_auth,
    response={204: None, **ERRORS},
    summary="删除上传的图片",
)
def delete_attachment(request, item: str = IMAGE_UUID):
    """Take an image out of the open draft."""
    submission = _open_submission(request)
    attachment = _own_attachment(request, item, submission=submission)
    with _draft_errors():
        services.remove_attachment(submission, attachment=attachment)
    return Reply(204, None)


@router.post(
    "/me/submission/attachments/{item}",
    auth=applicant_auth,
    response={201: list[AttachmentOut], **ERRORS},
    summary="上传附件图片",
)
def upload_attachments(request, files: File[list[UploadedFile]], item: str = SLOT):
    """Upload one or more images (JPG or PNG, at most KUAIJI_IMAGE_MAX_BYTES each, at most 10 a request) to a slot from
    `GET /me/submission/attachments`. All or nothing: when one image is refused, none is kept and the
    answer says which and why."""
    submission = _open_submission(request)
    _require_editable(submission)
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise _invalid({"files": [f"一次最多上传 {MAX_FILES_PER_UPLOAD} 张图片"]})
    stored: list[Attachment] = []
    for number, upload in enumerate(files, start=1):
        try:
            with _draft_errors():
                stored.append(services.add_attachment(submission, slot=item, upload=upload))
        except (ValidationError, ApiError) as error:
            for attachment in stored:
                services.remove_attachment(submission, attachment=attachment)
            if isinstance(error, ApiError):
                raise
            name = strip_tags(upload.name or "")[:100]
            raise _invalid({"files": [f"第 {number} 张（{name}）：{error.messages[0]}"]}) from error
    return Reply(201, [_attachment_out(attachment) for attachment in stored])


@router.get(
    "/me/submission/basic-info-form.pdf",
    auth=applicant_auth,
    response={200: None, **ERRORS},
    summary="下载个人基本信息表（PDF）",
    openapi_extra={
        "responses": {200: {"description": "The form to print and sign.", "content": {"application/pdf": {}}}}
    },
)
def basic_info_form_pdf(request):
    """The personal basic information form, to print, sign and upload to the `basic_info_form` slot.
    409 `incomplete` until every section is complete and the 1-inch photo is uploaded."""
    submission = services.open_submission(request.auth) or _latest_submission(request)
    content = download_basic_info_form(submission)
    if content is None:
        raise ApiError(409, "incomplete", "请先完成个人信息、工作单位、学历和专业技术资格，并上传一寸照片。")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="basic-info-form.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/me/submission/submit", auth=applicant_auth, response={200: SubmissionOut, **ERRORS}, summary="提交审核"
)
def submit(request, payload: SubmitIn):
    """Submit (or, after a return, resubmit) the draft with the commitment accepted. 400 says what is
    still missing; a stale `version` is 409. Submitting twice changes nothing."""
    submission = _open_submission(request)
    with _draft_errors():
        submission = services.submit(
            submission,
            expected_version=payload.version,
            commitment_accepted=payload.commitment_accepted,
            plausibility_confirmed=payload.plausibility_confirmed,
        )
    return _submission_out(submission)


@router.post(
    "/me/submission/withdraw", auth=applicant_auth, response={200: SubmissionOut, **ERRORS}, summary="撤回"
)
def withdraw(request):
    """Take a pending submission back to draft (only while nobody has decided it)."""
    submission = Submission.objects.filter(applicant=request.auth, status=Status.PENDING).first()
    if submission is None:
        raise ApiError(404, "not_found", "没有待审核的信息登记")
    with _draft_errors():
        services.withdraw(submission)
    return _submission_out(submission)


@router.get(
    "/me/submission/history", auth=applicant_auth, response={200: HistoryOut, **ERRORS}, summary="办理记录"
)
def history(request):
    """The steps of the latest submission, oldest first, and the reason of its decision."""
    submission = _latest_submission(request)
    return {
        "events": [
            {"at": entry.at, "action": entry.action, "label": entry.label}
            for entry in submission_history(submission)
        ],
        "decision_reason": submission.decision_reason,
    }
