"""What the applicant API's routers share: error shaping, the applicant's own submission and files."""

from contextlib import contextmanager
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags

from ninja import Path

from kuaiji.accounts.verification import request_sms_code
from kuaiji.collection import services
from kuaiji.collection.constants import EDITABLE_STATUSES
from kuaiji.collection.models import Attachment, Submission
from kuaiji.collection.sections import SECTION_FORMS
from kuaiji.collection.selectors import task_states
from kuaiji.core.http import client_ip

from ..errors import ApiError, ErrorOut, form_errors

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


def _submission_out(submission: Submission, *, states: dict[str, str] | None = None) -> dict:
    return {
        "uuid": submission.uuid,
        "reference": submission.reference,
        "kind": submission.kind,
        "kind_label": str(submission.get_kind_display()),
        "status": submission.status,
        "status_label": str(submission.get_status_display()),
        "version": submission.version,
        "department": submission.department.name if submission.department is not None else None,
        "submitted_at": submission.submitted_at,
        "due_on": submission.due_on,
        "decision_reason": submission.decision_reason,
        # The task list's states, 需修改 for an out-of-date signed form.
        "sections": task_states(submission) if states is None else states,
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
        "from_registration": attachment.from_registration,
    }


# --- picture captcha and SMS codes -----------------------------------------------------------------------
