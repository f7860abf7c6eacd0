"""The applicant API (会计人员): the account pages and the information-collection wizard for mobile apps.

Thin like the pages: the same forms validate (so the same Chinese messages come back, per field), the
same services write (``kuaiji.accounts.services``, ``verification``, ``signin``; ``kuaiji.collection
.services``), and an applicant reaches only their own submission and files — anything else is 404.
"""

from contextlib import contextmanager
from uuid import UUID

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import strip_tags

from axes.utils import reset as reset_axes_attempts
from captcha.helpers import captcha_image_url
from captcha.models import CaptchaStore
from ninja import File, Form, Path, Router, UploadedFile
from ninja import Status as Reply

from kuaiji.accounts import services as account_services
from kuaiji.accounts import signin
from kuaiji.accounts.constants import SmsPurpose
from kuaiji.accounts.forms import (
    ActivationForm,
    RegistrationForm,
    ResetPasswordForm,
    ResetSendCodeForm,
    SendCodeForm,
    SignInForm,
)
from kuaiji.accounts.verification import request_sms_code
from kuaiji.collection import services
from kuaiji.collection.attachments import required_attachments
from kuaiji.collection.constants import EDITABLE_STATUSES, Status, SubmissionKind
from kuaiji.collection.models import Attachment, Submission
from kuaiji.collection.pdf import basic_info_pdf
from kuaiji.collection.sections import SECTION_FORMS
from kuaiji.collection.selectors import submission_history
from kuaiji.core.http import client_ip
from kuaiji.core.portraits import normalise_portrait
from kuaiji.core.storage import private_file_response

from .auth import ApplicantAuth, TokenAuth
from .errors import ApiError, ErrorOut, form_errors
from .models import ApiToken
from .schemas import (
    ActivationIn,
    AttachmentOut,
    AttachmentsOut,
    CaptchaOut,
    ChangeIn,
    HistoryOut,
    MessageOut,
    NoticeOut,
    PasswordResetIn,
    PortraitOut,
    RegistrationIn,
    SectionIn,
    SectionInvalidOut,
    SectionOut,
    SectionSavedOut,
    SmsCodeIn,
    SubmissionOut,
    SubmitIn,
    TokenIn,
    TokenOut,
    UuidOut,
    VersionIn,
    VersionOut,
)

router = Router(tags=["会计人员"])
applicant_auth = ApplicantAuth()

ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}
CODE_SENT = "短信验证码已发送，请查收。5 分钟内有效。"
RESET_CODE_SENT = "如证件号码和姓名正确，短信验证码已发送至该账号绑定的手机号码。"
WRONG_CREDENTIALS = "证件号码（手机号码）或密码不正确"
INVALID = "请修改标出的内容"
MAX_FILES_PER_UPLOAD = 10
# POST and DELETE share one route (Django would answer 405 to a second route of the same shape).
SLOT = Path(..., max_length=40, description="附件类别（`GET /me/submission/attachments` 的 `slot`）")
IMAGE_UUID = Path(..., max_length=64, description="图片的 `uuid`")
# The forms' field names that the API spells differently (one password; the captcha as key + answer).
RENAMED_FIELDS = {"password1": "password", "password2": "password", "captcha": "captcha_answer"}


# --- helpers ---------------------------------------------------------------------------------------------


def _field_errors(form) -> dict[str, list[str]]:
    """The form's messages under the API's field names, as plain text (the pages' links are dropped)."""
    errors: dict[str, list[str]] = {}
    for name, messages in form_errors(form).items():
        key = RENAMED_FIELDS.get(name, name)
        errors.setdefault(key, []).extend(strip_tags(message) for message in messages)
    return errors


def _invalid(errors: dict[str, list[str]]) -> ApiError:
    return ApiError(400, "invalid", INVALID, errors)


def _field_error(field: str, error: ValidationError) -> ApiError:
    return _invalid({field: [strip_tags(message) for message in error.messages]})


def _service_errors(error: ValidationError) -> ApiError:
    """A service's field-keyed ValidationError as the API's per-field messages (links dropped)."""
    return _invalid(
        {
            RENAMED_FIELDS.get(f, f): [strip_tags(m) for m in messages]
            for f, messages in error.message_dict.items()
        }
    )


def _captcha(payload) -> dict[str, str]:
    return {"captcha_0": payload.captcha_key, "captcha_1": payload.captcha_answer}


def _send_code(request, *, mobile: str, purpose: str) -> None:
    try:
        request_sms_code(mobile=mobile, purpose=purpose, client_ip=client_ip(request))
    except ValidationError as error:
        raise ApiError(429, error.code or "rate_limited", error.messages[0]) from error


def _open_submission(request) -> Submission:
    submission = services.open_submission(request.auth)
    if submission is None:
        raise ApiError(404, "not_found", "您没有正在办理的信息登记")
    return submission


def _latest_submission(request) -> Submission:
    submission = services.latest_submission(request.auth)
    if submission is None:
        raise ApiError(404, "not_found", "您还没有信息登记")
    return submission


@contextmanager
def _draft_errors():
    """The wizard's refusals as the API's answers: a stale version and a submission under review."""
    try:
        yield
    except services.DraftConflict as error:
        raise ApiError(
            409,
            "conflict",
            "这份草稿已在其他窗口或设备上保存过。为避免互相覆盖，本次内容没有保存，请重新读取后再改。",
        ) from error
    except services.NotEditable as error:
        raise ApiError(409, "not_editable", str(error)) from error


def _require_editable(submission: Submission) -> None:
    if submission.status not in EDITABLE_STATUSES:
        raise ApiError(409, "not_editable", "待审核期间不能修改；如需修改，请先撤回")


def _submission_out(submission: Submission) -> dict:
    return {
        "uuid": submission.uuid,
        "reference": submission.reference,
        "kind": submission.kind,
        "kind_label": str(submission.get_kind_display()),
        "status": submission.status,
        "status_label": str(submission.get_status_display()),
        "version": submission.version,
        "department": submission.department.name if submission.department_id else None,
        "submitted_at": submission.submitted_at,
        "due_on": submission.due_on,
        "decision_reason": submission.decision_reason,
        "sections": services.section_states(submission, flagged=services.flagged_sections(submission)),
    }


def _check_section(section: str) -> None:
    if section not in SECTION_FORMS:
        raise ApiError(404, "not_found", "没有这一部分；可填写的部分为 " + "、".join(SECTION_FORMS))


def _section_errors(built) -> dict[str, list[str]]:
    """The section form's messages, and its formset's under the names the rows were sent with."""
    errors = {name: [str(m) for m in messages] for name, messages in built.form.errors.items()}
    formset = built.formset
    if formset is not None and formset.is_bound:
        for form in formset.forms:
            for name, messages in form.errors.items():
                errors.setdefault(form.add_prefix(name), []).extend(str(m) for m in messages)
        non_form = [str(message) for message in formset.non_form_errors()]
        if non_form:
            errors.setdefault(formset.prefix, []).extend(non_form)
    if not errors and not built.complete:
        errors["__all__"] = ["请填写这一部分"]
    return errors


def _own_attachment(request, item: str, *, submission: Submission | None = None) -> Attachment:
    """The applicant's own image ``item`` (of ``submission`` when given); anything else is 404."""
    try:
        attachment_uuid = UUID(item)
    except ValueError:
        attachment_uuid = None
    found = Attachment.objects.filter(uuid=attachment_uuid, owner=request.auth) if attachment_uuid else None
    if found is not None and submission is not None:
        found = found.filter(submission=submission)
    attachment = found.first() if found is not None else None
    if attachment is None:
        raise ApiError(404, "not_found", "图片不存在")
    return attachment


def _attachment_out(attachment: Attachment) -> dict:
    return {
        "uuid": attachment.uuid,
        "slot": attachment.slot,
        "width": attachment.width,
        "height": attachment.height,
        "size": attachment.size,
    }


# --- picture captcha and SMS codes -----------------------------------------------------------------------


@router.get("/captcha", auth=None, response={200: CaptchaOut}, summary="获取图片验证码")
def new_captcha(request):
    """A new picture captcha: show `image_url`, send back `captcha_key` with what the person read as
    `captcha_answer`. Each captcha can be tried once and expires after 5 minutes."""
    key = CaptchaStore.generate_key()
    return {"key": key, "image_url": request.build_absolute_uri(captcha_image_url(key))}


@router.post("/sms-codes", auth=None, response={202: MessageOut, **ERRORS}, summary="获取短信验证码")
def send_sms_code(request, payload: SmsCodeIn):
    """Send a 6-digit code (valid 5 minutes) after the picture captcha.

    For `register`, `activate` and `appeal` the code goes to `mobile`. For `reset_password` give
    `document_type`, `document_number` and `full_name` instead: the code goes to the account's phone,
    and the answer is the same whether or not such an account exists.

    Rate limits (as on the pages): one code a minute and 10 a day per phone, 20 an hour per client
    address; beyond them the answer is 429 with the time to wait.
    """
    if payload.purpose == SmsPurpose.RESET_PASSWORD:
        form = ResetSendCodeForm(
            {
                "document_type": payload.document_type,
                "document_number": payload.document_number,
                "full_name": payload.full_name,
                **_captcha(payload),
            }
        )
        if not form.is_valid():
            raise _invalid(_field_errors(form))
        user = account_services.applicant_by_identity(
            document_type=form.cleaned_data["document_type"],
            document_number=form.cleaned_data["document_number"],
            full_name=form.cleaned_data["full_name"],
        )
        if user is not None and user.mobile:
            _send_code(request, mobile=user.mobile, purpose=SmsPurpose.RESET_PASSWORD)
        return Reply(202, {"message": RESET_CODE_SENT})
    form = SendCodeForm({"mobile": payload.mobile, **_captcha(payload)})
    if not form.is_valid():
        raise _invalid(_field_errors(form))
    _send_code(request, mobile=form.cleaned_data["mobile"], purpose=payload.purpose)
    return Reply(202, {"message": CODE_SENT})


# --- accounts --------------------------------------------------------------------------------------------


@router.post("/accounts", auth=None, response={201: UuidOut, **ERRORS}, summary="新用户注册")
def register(request, payload: Form[RegistrationIn], id_photo: File[UploadedFile] = None):
    """Register with the SMS code sent for `register` and a photo of the identity document (JPG or
    PNG, at most 4 MB). Each wrong field is answered 400 with the page's message; a number that is
    already registered is only said so after the SMS code was verified (the code is then used up)."""
    password = payload.password
    form = RegistrationForm(
        {
            "document_type": payload.document_type,
            "document_number": payload.document_number,
            "full_name": payload.full_name,
            "mobile": payload.mobile,
            "sms_code": payload.sms_code,
            "password1": password,
            "password2": password,
            "agreement": "on" if payload.agreement else "",
        }
    )
    errors = {} if form.is_valid() else _field_errors(form)
    if id_photo is None and "id_photo" not in errors:
        errors["id_photo"] = ["请上传身份证件人像面照片"]
    if errors:
        raise _invalid(errors)
    try:
        user = account_services.register_with_code(
            data=form.cleaned_data, id_photo_upload=id_photo, client_ip=client_ip(request)
        )
    except ValidationError as error:
        raise _service_errors(error) from error
    return Reply(201, {"uuid": user.uuid})


@router.post("/accounts/activate", auth=None, response={201: UuidOut, **ERRORS}, summary="原持证人员启用账号")
def activate(request, payload: ActivationIn):
    """Holders of the former accounting certificate (imported from the old register) set a password,
    with the SMS code sent for `activate`. The name and number must match the imported record."""
    form = ActivationForm(
        {
            "document_type": payload.document_type,
            "document_number": payload.document_number,
            "full_name": payload.full_name,
            "mobile": payload.mobile,
            "sms_code": payload.sms_code,
            "password1": payload.password,
            "password2": payload.password,
        }
    )
    if not form.is_valid():
        raise _invalid(_field_errors(form))
    try:
        user = account_services.activate_with_code(data=form.cleaned_data, client_ip=client_ip(request))
    except ValidationError as error:
        raise _service_errors(error) from error
    return Reply(201, {"uuid": user.uuid})


@router.post(
    "/accounts/password-reset", auth=None, response={204: None, **ERRORS}, summary="忘记密码：重设密码"
)
def reset_password(request, payload: PasswordResetIn):
    """Set a new password with the SMS code sent for `reset_password`. Every signed-in session of the
    account ends and every API token of it is revoked."""
    form = ResetPasswordForm(
        {
            "document_type": payload.document_type,
            "document_number": payload.document_number,
            "full_name": payload.full_name,
            "sms_code": payload.sms_code,
            "password1": payload.password,
            "password2": payload.password,
        }
    )
    if not form.is_valid():
        raise _invalid(_field_errors(form))
    # The service ends the sessions; its password_changed signal revokes the API tokens.
    try:
        account_services.reset_password_with_code(data=form.cleaned_data, client_ip=client_ip(request))
    except ValidationError as error:
        raise _service_errors(error) from error
    return Reply(204, None)


# --- tokens ----------------------------------------------------------------------------------------------


@router.post("/tokens", auth=None, response={200: TokenOut, **ERRORS}, summary="登录，取得令牌")
def issue_token(request, payload: TokenIn):
    """Sign in with the document number (or verified mobile) and password; the token lasts 7 days.

    Throttled as the sign-in page: after 3 failures for the same login or address a picture captcha is
    needed (400 `captcha_required` until `captcha_key` and `captcha_answer` come with the request);
    after 5 failures the account is locked for 15 minutes (429 `locked_out`); an address failing across
    many accounts gets 429 `throttled`. A wrong login or password is 401 with one message for both.
    """
    ip = client_ip(request)
    if signin.address_is_throttled(ip):
        raise ApiError(429, "throttled", "当前网络登录失败次数过多，请 15 分钟后再试。")
    with_captcha = signin.captcha_required(raw_login=payload.login, ip=ip)
    if with_captcha and not (payload.captcha_key and payload.captcha_answer):
        raise ApiError(
            400,
            "captcha_required",
            "登录失败次数较多，请输入图片验证码（GET /api/v1/captcha）",
            {"captcha_answer": ["请输入图片验证码"]},
        )
    form = SignInForm(
        {"login": payload.login, "password": payload.password, **_captcha(payload)}, with_captcha=with_captcha
    )
    if not form.is_valid():
        raise _invalid(_field_errors(form))
    user = authenticate(request, login=form.cleaned_data["login"], password=form.cleaned_data["password"])
    if user is None or not user.is_applicant:
        if getattr(request, "axes_locked_out", False):
            minutes = signin.minutes_until_unlocked(payload.login) or 15
            raise ApiError(
                429,
                "locked_out",
                f"登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试，或通过“忘记密码”重设密码。",
            )
        raise ApiError(401, "wrong_credentials", WRONG_CREDENTIALS)
    # The page's sign-in clears the login's failures through django-axes' user_logged_in handler; a
    # token is not a session, so the API clears them itself.
    reset_axes_attempts(username=signin.login_key(payload.login))
    token, secret = ApiToken.issue(user=user, lifetime=settings.KUAIJI_API_TOKEN_LIFETIME, client_ip=ip)
    return {"token": secret, "expires_at": token.expires_at}


@router.delete(
    "/tokens/current", auth=TokenAuth(), response={204: None, **ERRORS}, summary="退出：吊销当前令牌"
)
def revoke_token(request):
    """Revoke the token this request was made with (any person's token: applicants' and staff's)."""
    ApiToken.objects.filter(pk=request.api_token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return Reply(204, None)


# --- the applicant's submission --------------------------------------------------------------------------


@router.get(
    "/me/submission", auth=applicant_auth, response={200: SubmissionOut, **ERRORS}, summary="我的信息登记"
)
def my_submission(request):
    """The latest submission (first collection, change or transfer): status, department, due date, the
    decision's reason and the state of each step. 404 before the first one is started."""
    return _submission_out(_latest_submission(request))


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

    A new mobile in `personal` must have been verified on the page first (the API has no such step)."""
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
    """Any photo (JPG or PNG, at most 4 MB) is cropped around the face and scaled to the standard
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
    """Upload one or more images (JPG or PNG, at most 4 MB each, at most 10 a request) to a slot from
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
    content = basic_info_pdf(submission)
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
            submission, expected_version=payload.version, commitment_accepted=payload.commitment_accepted
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
