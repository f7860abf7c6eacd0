"""The applicant's account through the API: captcha, SMS codes, registration, activation, password reset and tokens."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils import timezone

from axes.utils import reset as reset_axes_attempts
from captcha.helpers import captcha_image_url
from captcha.models import CaptchaStore
from ninja import File, Form, UploadedFile
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
from kuaiji.accounts.verification import request_reset_code
from kuaiji.core.http import client_ip

from ..auth import TokenAuth
from ..errors import ApiError
from ..models import ApiToken
from ..schemas import (
    ActivationIn,
    CaptchaOut,
    MessageOut,
    PasswordResetIn,
    RegistrationIn,
    SmsCodeIn,
    TokenIn,
    TokenOut,
    UuidOut,
)
from . import router
from .shared import (
    CODE_SENT,
    ERRORS,
    RESET_CODE_SENT,
    WRONG_CREDENTIALS,
    _captcha,
    _field_errors,
    _invalid,
    _send_code,
    _service_errors,
)


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
    if payload.purpose == SmsPurpose.RESET_PASSWORD.value:
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
        try:
            request_reset_code(
                document_type=form.cleaned_data["document_type"],
                document_number=form.cleaned_data["document_number"],
                user=user,
                client_ip=client_ip(request),
            )
        except ValidationError as error:
            raise ApiError(429, error.code or "rate_limited", error.messages[0]) from error
        return Reply(202, {"message": RESET_CODE_SENT})
    mobile_form = SendCodeForm({"mobile": payload.mobile, **_captcha(payload)})
    if not mobile_form.is_valid():
        raise _invalid(_field_errors(mobile_form))
    _send_code(request, mobile=mobile_form.cleaned_data["mobile"], purpose=payload.purpose)
    return Reply(202, {"message": CODE_SENT})


# --- accounts --------------------------------------------------------------------------------------------


@router.post("/accounts", auth=None, response={201: UuidOut, **ERRORS}, summary="新用户注册")
def register(request, payload: Form[RegistrationIn], id_photo: File[UploadedFile | None] = None):
    """Register with the SMS code sent for `register` and a photo of the identity document (JPG or
    PNG, at most KUAIJI_IMAGE_MAX_BYTES, 10 MB by default). Each wrong field is answered 400 with the page's message; a number that is
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
    ApiToken.objects.filter(pk=request.api_token_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return Reply(204, None)
