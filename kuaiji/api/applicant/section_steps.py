"""What the 个人信息 and 工作单位 pages do besides saving: verifying a new mobile, and a unit's facts
from its unified social credit code. The same services and selectors as the pages."""

from django.core.exceptions import ValidationError

from ninja import Status as Reply

from kuaiji.accounts.forms import SendCodeForm
from kuaiji.collection import services
from kuaiji.collection.selectors import known_employer_fill
from kuaiji.core.http import client_ip

from ..errors import ApiError
from ..schemas import KnownEmployerOut, MessageOut, NewMobileCodeIn, NewMobileIn, Short, VersionOut
from . import applicant_auth, router
from .shared import (
    ERRORS,
    _captcha,
    _draft_errors,
    _field_errors,
    _invalid,
    _open_submission,
    _require_editable,
    _service_errors,
)

NEW_MOBILE_CODE_SENT = "短信验证码已发送至新手机号码，请查收。5 分钟内有效。"


@router.post(
    "/me/submission/mobile/sms-codes",
    auth=applicant_auth,
    response={202: MessageOut, **ERRORS},
    summary="获取新手机号码的短信验证码",
)
def send_new_mobile_code(request, payload: NewMobileCodeIn):
    """A new mobile in `personal` must be verified before the section is saved with it: send a code to
    it after the picture captcha (the rate limits of `POST /sms-codes` apply, 429 beyond them)."""
    _require_editable(_open_submission(request))
    form = SendCodeForm({"mobile": payload.mobile, **_captcha(payload)})
    if not form.is_valid():
        raise _invalid(_field_errors(form))
    try:
        services.send_new_mobile_code(mobile=form.cleaned_data["mobile"], client_ip=client_ip(request))
    except ValidationError as error:
        raise ApiError(429, error.code or "rate_limited", error.messages[0]) from error
    return Reply(202, {"message": NEW_MOBILE_CODE_SENT})


@router.post(
    "/me/submission/mobile",
    auth=applicant_auth,
    response={200: VersionOut, **ERRORS},
    summary="验证新手机号码",
)
def verify_new_mobile(request, payload: NewMobileIn):
    """Verify the new mobile with the code sent to it: `personal` then takes it (its `mobile` is set,
    and a later save with it is accepted). `version` is the submission's; the new one is returned.
    A wrong or expired code is 400 on `sms_code`, a bad number on `mobile`."""
    submission = _open_submission(request)
    with _draft_errors():
        try:
            services.verify_new_mobile(
                submission, mobile=payload.mobile, code=payload.sms_code, expected_version=payload.version
            )
        except ValidationError as error:
            raise _service_errors(error) from error
    return {"version": submission.version}


@router.get(
    "/me/submission/known-employer",
    auth=applicant_auth,
    response={200: KnownEmployerOut, **ERRORS},
    summary="按统一社会信用代码查询已登记的单位",
)
def known_employer(request, credit_code: Short = ""):
    """The unit's facts as approved records have them, to fill in `employer` (the person checks them);
    404 when the code is not valid or no approved record has it."""
    _open_submission(request)
    filled = known_employer_fill({"has_employer": "yes", "credit_code": credit_code})
    if filled is None:
        raise ApiError(404, "not_found", "平台上没有该统一社会信用代码的单位记录，请手工填写")
    return {"data": {key: value for key, value in filled.items() if key.startswith("employer_")}}
