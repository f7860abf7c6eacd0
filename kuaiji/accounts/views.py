"""Account pages. Thin: they read the form, call a service and choose what to show.

Pages that send an SMS code post the whole form with ``action=send_code``; the page comes back with
everything typed kept (passwords aside) and a fresh picture captcha, so it works without JavaScript.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core.http import client_ip, safe_next
from kuaiji.core.storage import private_file_response
from kuaiji.core.validators import mask_document_number, mask_mobile

from . import services, signin
from .constants import AccountType, IdentityPhotoKind, SmsPurpose
from .forms import (
    ActivationForm,
    AppealForm,
    ChangePasswordForm,
    RegistrationForm,
    ResetPasswordForm,
    ResetSendCodeForm,
    SendCodeForm,
    SignInForm,
    StaffSignInForm,
)
from .models import AccountAppeal, IdentityPhoto
from .sessions import keep_session_after_password_change
from .sms import read_outbox
from .verification import request_reset_code, request_sms_code, seconds_until_next_code

CODE_SENT = "短信验证码已发送，请查收。5 分钟内有效。"


# --- helpers shared by the pages that send codes and take photos -------------------------------------


def _upload_session(request) -> str:
    """A random token tying not-yet-claimed photos to this browser session."""
    token = request.session.get("upload_token")
    if not token:
        token = secrets.token_hex(16)
        request.session["upload_token"] = token
    return token


def _redisplay(form_class, request, data, *, errors=None, **kwargs):
    """An unbound form showing what was typed (passwords and files aside), with only ``errors``."""
    initial = {key: value for key, value in data.items() if not key.startswith("password")}
    form = form_class(initial=initial, **kwargs)
    form._errors = ErrorDict(errors or {})
    return form


@dataclass
class PhotoSlot:
    field: str
    kind: str
    photo: IdentityPhoto | None = None
    error: ValidationError | None = None

    @property
    def token_field(self) -> str:
        return f"{self.field}_token"


def _accept_photos(request, data, slots: list[PhotoSlot]) -> None:
    """Store newly chosen photos (re-encoded) and find those kept from an earlier try.

    Updates ``data`` (a mutable copy of POST) so the hidden token fields point at the kept photos.
    """
    session = _upload_session(request)
    for slot in slots:
        upload = request.FILES.get(slot.field)
        if upload is not None:
            try:
                slot.photo = services.store_identity_photo(
                    upload=upload, kind=slot.kind, upload_session=session
                )
            except ValidationError as error:
                slot.error = error
        if slot.photo is None:
            slot.photo = services.pending_identity_photo(
                photo_uuid=data.get(slot.token_field), upload_session=session, kind=slot.kind
            )
        data[slot.token_field] = str(slot.photo.uuid) if slot.photo else ""


def _send_code(request, *, mobile: str, purpose: str) -> ValidationError | None:
    try:
        request_sms_code(mobile=mobile, purpose=purpose, client_ip=client_ip(request))
    except ValidationError as error:
        return error
    return None


def _code_step(request, data, *, form_class, purpose: str, errors: dict | None = None):
    """Handle ``action=send_code`` / ``refresh_captcha`` on a page that verifies a phone it is given.

    Returns the page's form (unbound, showing what was typed), its code form (a fresh captcha with
    its error, if any) and how many seconds the SMS button must wait.
    """
    errors = dict(errors or {})
    wait_seconds = 0
    if request.POST.get("action") == "send_code":
        bound = SendCodeForm(data)
        if bound.is_valid():
            mobile = bound.cleaned_data["mobile"]
            error = _send_code(request, mobile=mobile, purpose=purpose)
            if error:
                errors["sms_code"] = error.messages
            else:
                messages.success(request, CODE_SENT)
            wait_seconds = seconds_until_next_code(mobile=mobile)
        else:
            errors.update(bound.errors)
    form = _redisplay(form_class, request, data, errors={k: v for k, v in errors.items() if k != "captcha"})
    code_form = SendCodeForm()
    code_form._errors = ErrorDict({k: v for k, v in errors.items() if k == "captcha"})
    return form, code_form, wait_seconds


def _safe_next(request) -> str | None:
    return safe_next(request)


# --- registration -------------------------------------------------------------------------------------


def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    slot = PhotoSlot(field="id_photo", kind=IdentityPhotoKind.FRONT)
    code_form = SendCodeForm()
    wait_seconds = 0
    status = 200
    if request.method != "POST":
        form = RegistrationForm()
    else:
        data = request.POST.copy()
        _accept_photos(request, data, [slot])
        action = request.POST.get("action", "submit")
        if action in {"send_code", "refresh_captcha"}:
            photo_errors = {"id_photo": slot.error.messages} if slot.error else {}
            form, code_form, wait_seconds = _code_step(
                request, data, form_class=RegistrationForm, purpose=SmsPurpose.REGISTER, errors=photo_errors
            )
        else:
            form = RegistrationForm(data, request.FILES)
            if form.is_valid():
                user = _register(request, form, slot)
                if user is not None:
                    login(request, user, backend="kuaiji.accounts.backends.ApplicantBackend")
                    messages.success(request, "注册成功，欢迎使用。")
                    return redirect("accounts:home")
            if slot.error:
                form.add_error("id_photo", slot.error)
            elif slot.photo is None and "id_photo" not in form.errors:
                form.add_error("id_photo", "请上传身份证件人像面照片")
            status = 400
    return render(
        request,
        "accounts/register.html",
        {
            "form": form,
            "code_form": code_form,
            "photo": slot.photo,
            "wait_seconds": wait_seconds,
            "error_summary": form.error_summary() + code_form.error_summary(),
        },
        status=status,
    )


def _register(request, form, slot: PhotoSlot):
    if slot.photo is None or slot.error:
        return None
    try:
        return services.register_with_code(
            data=form.cleaned_data, id_photo=slot.photo, client_ip=client_ip(request)
        )
    except ValidationError as error:
        for field, errors in error.error_dict.items():
            for each in errors:
                form.add_error(field, each)
    return None


# --- sign in / out ----------------------------------------------------------------------------------------


def _sign_in_page(
    request, *, form_class, template, credential_field, backend_kwargs, on_success, sign_in=None
):
    ip = client_ip(request)
    raw_login = request.POST.get(credential_field, "")
    with_captcha = request.method == "POST" and signin.captcha_required(raw_login=raw_login, ip=ip)
    form = form_class(request.POST or None, with_captcha=with_captcha)
    status = 200
    if request.method == "POST":
        status = 400
        if signin.address_is_throttled(ip):
            form.is_valid()
            form.add_error(None, "当前网络登录失败次数过多，请 15 分钟后再试。")
            status = 429
        elif form.is_valid():
            credentials = backend_kwargs(form.cleaned_data)
            user = authenticate(request, **credentials)
            if user is not None:
                (sign_in or login)(request, user)
                return on_success(user)
            if getattr(request, "axes_locked_out", False):
                minutes = signin.minutes_until_unlocked(raw_login) or 15
                form.add_error(
                    None, f"登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试，或通过“忘记密码”重设密码。"
                )
                status = 429
            else:
                failed_form = form_class(
                    request.POST, with_captcha=signin.captcha_required(raw_login=raw_login, ip=ip)
                )
                failed_form._errors = ErrorDict()
                failed_form.cleaned_data = {}
                failed_form.add_error(None, form.wrong_credentials_message)
                form = failed_form
    return render(
        request,
        template,
        {"form": form, "error_summary": form.error_summary(), "next": _safe_next(request) or ""},
        status=status,
    )


SignInForm.wrong_credentials_message = "证件号码（手机号码）或密码不正确"
StaffSignInForm.wrong_credentials_message = "用户名或密码不正确"


def sign_in(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")

    def on_success(user):
        return redirect(_safe_next(request) or "accounts:home")

    return _sign_in_page(
        request,
        form_class=SignInForm,
        template="accounts/sign_in.html",
        credential_field="login",
        backend_kwargs=lambda data: {"login": data["login"], "password": data["password"]},
        on_success=on_success,
    )


def staff_sign_in(request):
    """Staff: first the password; the session is signed in only after the TOTP code (staff_verify)."""
    if request.user.is_authenticated:
        return redirect("accounts:home")

    def remember_password_step(request, user):
        request.session.cycle_key()
        request.session[STAFF_PENDING] = {
            "user": user.pk,
            "at": timezone.now().timestamp(),
            "tries": 0,
            "next": _safe_next(request) or "",
        }

    return _sign_in_page(
        request,
        form_class=StaffSignInForm,
        template="accounts/staff_sign_in.html",
        credential_field="username",
        backend_kwargs=lambda data: {"username": data["username"], "password": data["password"]},
        on_success=lambda user: redirect("accounts:staff_verify"),
        sign_in=remember_password_step,
    )


STAFF_PENDING = "kuaiji_staff_pending"


def staff_verify(request):
    """The second factor: a 6-digit code from the authenticator app bound to the account."""
    from django_otp import login as otp_login
    from django_otp import user_has_device

    from .models import User

    pending = request.session.get(STAFF_PENDING)
    expired = (
        not pending
        or timezone.now().timestamp() - pending["at"] > settings.KUAIJI_STAFF_VERIFY_WINDOW.total_seconds()
    )
    if expired:
        request.session.pop(STAFF_PENDING, None)
        messages.info(request, "请先输入用户名和密码。")
        return redirect("accounts:staff_sign_in")
    user = User.objects.filter(pk=pending["user"], account_type=AccountType.STAFF, is_active=True).first()
    if user is None:
        request.session.pop(STAFF_PENDING, None)
        return redirect("accounts:staff_sign_in")
    error = ""
    status = 200
    if not user_has_device(user):
        error = "您的账号尚未绑定动态口令（身份验证器），无法登录，请联系平台管理员绑定。"
        status = 403
    elif request.method == "POST":
        check = services.check_staff_totp(user=user, code=request.POST.get("token", ""))
        device = check.device
        if check.wait_seconds and device is None:
            # django-otp refuses every code for a while after a wrong one, a correct one too: say so.
            error = f"尝试过于频繁，请在 {check.wait_seconds} 秒后再试"
            return render(request, "accounts/staff_verify.html", {"error": error}, status=429)
        if device is not None:
            next_url = pending.get("next")
            request.session.pop(STAFF_PENDING, None)
            login(request, user, backend="kuaiji.accounts.backends.StaffBackend")
            otp_login(request, device)
            record_event(action=AuditAction.STAFF_SIGNED_IN, actor=user, target=user, request=request)
            return redirect(next_url or "accounts:home")
        pending["tries"] += 1
        status = 400
        if pending["tries"] >= settings.KUAIJI_STAFF_TOKEN_TRIES:
            request.session.pop(STAFF_PENDING, None)
            record_event(action=AuditAction.STAFF_SECOND_FACTOR_FAILED, target=user, request=request)
            messages.error(request, "动态验证码错误次数过多，请重新输入用户名和密码。")
            return redirect("accounts:staff_sign_in")
        request.session[STAFF_PENDING] = pending
        left = settings.KUAIJI_STAFF_TOKEN_TRIES - pending["tries"]
        error = f"动态验证码不正确，请核对手机上身份验证器显示的 6 位数字（还可尝试 {left} 次）"
    return render(request, "accounts/staff_verify.html", {"error": error}, status=status)


@require_POST
def sign_out(request):
    user = request.user
    if user.is_authenticated and user.is_staff_member:
        record_event(action=AuditAction.STAFF_SIGNED_OUT, actor=user, target=user, request=request)
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("accounts:sign_in")


# --- home and account management ------------------------------------------------------------------------


def home(request):
    if not request.user.is_authenticated:
        return redirect("accounts:sign_in")
    if request.user.is_applicant:
        # An applicant's home is their information collection (status, progress, reasons).
        return redirect("collection:overview")
    return render(request, "accounts/home.html", _account_context(request.user))


def _account_context(user):
    return {
        "masked_document_number": mask_document_number(user.document_number or ""),
        "masked_mobile": mask_mobile(user.mobile) if user.mobile else "",
        "id_photo": user.identity_photos.filter(kind=IdentityPhotoKind.FRONT).order_by("-created_at").first(),
    }


@login_required
def account(request):
    form = ChangePasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.change_password(
            user=request.user,
            new_password=form.cleaned_data["password1"],
            current_session_key=request.session.session_key,
            client_ip=client_ip(request),
        )
        # The password hash changed: keep this session signed in, the others were ended.
        keep_session_after_password_change(request, request.user)
        messages.success(request, "密码已修改。其他设备上的登录已退出。")
        return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {"form": form, "error_summary": form.error_summary(), **_account_context(request.user)},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def identity_photo(request, photo_uuid):
    """Only the owner sees their photo here; staff access comes with the review screens."""
    photo = get_object_or_404(IdentityPhoto, uuid=photo_uuid, owner=request.user)
    return private_file_response(photo.file, download_name=f"id-photo{photo.file.name[-4:]}")


# --- forgotten password -------------------------------------------------------------------------------


def reset_password(request):
    code_form = ResetSendCodeForm()
    status = 200
    wait_seconds = 0
    if request.method != "POST":
        form = ResetPasswordForm()
    else:
        action = request.POST.get("action", "submit")
        if action in {"send_code", "refresh_captcha"}:
            errors = {}
            if action == "send_code":
                bound = ResetSendCodeForm(request.POST)
                if bound.is_valid():
                    try:
                        request_reset_code(
                            document_type=bound.cleaned_data["document_type"],
                            document_number=bound.cleaned_data["document_number"],
                            user=_applicant_by_identity(bound.cleaned_data),
                            client_ip=client_ip(request),
                        )
                    except ValidationError as error:
                        errors["sms_code"] = error.messages
                    if "sms_code" not in errors:
                        # The same words and the same wait whether or not the account exists.
                        messages.success(
                            request, "如证件号码和姓名正确，短信验证码已发送至该账号绑定的手机号码。"
                        )
                        wait_seconds = settings.KUAIJI_SMS_PER_PHONE_INTERVAL.seconds
                else:
                    errors.update(bound.errors)
            form = _redisplay(
                ResetPasswordForm,
                request,
                request.POST,
                errors={k: v for k, v in errors.items() if k != "captcha"},
            )
            code_form._errors = ErrorDict({k: v for k, v in errors.items() if k == "captcha"})
        else:
            form = ResetPasswordForm(request.POST)
            status = 400
            if form.is_valid():
                try:
                    services.reset_password_with_code(data=form.cleaned_data, client_ip=client_ip(request))
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, "密码已重设，请使用新密码登录。所有设备上的登录均已退出。")
                    return redirect("accounts:sign_in")
    return render(
        request,
        "accounts/reset_password.html",
        {
            "form": form,
            "code_form": code_form,
            "wait_seconds": wait_seconds,
            "error_summary": form.error_summary() + code_form.error_summary(),
        },
        status=status,
    )


def _applicant_by_identity(data):
    return services.applicant_by_identity(
        document_type=data["document_type"],
        document_number=data["document_number"],
        full_name=data["full_name"],
    )


# --- legacy holders ------------------------------------------------------------------------------------------


def activate(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    code_form = SendCodeForm()
    status = 200
    wait_seconds = 0
    if request.method != "POST":
        form = ActivationForm()
    else:
        action = request.POST.get("action", "submit")
        if action in {"send_code", "refresh_captcha"}:
            form, code_form, wait_seconds = _code_step(
                request, request.POST, form_class=ActivationForm, purpose=SmsPurpose.ACTIVATE
            )
        else:
            form = ActivationForm(request.POST)
            status = 400
            if form.is_valid():
                try:
                    user = services.activate_with_code(data=form.cleaned_data, client_ip=client_ip(request))
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    login(request, user, backend="kuaiji.accounts.backends.ApplicantBackend")
                    messages.success(request, "密码设置成功，您的账号已启用。")
                    return redirect("accounts:home")
    return render(
        request,
        "accounts/activate.html",
        {
            "form": form,
            "code_form": code_form,
            "wait_seconds": wait_seconds,
            "error_summary": form.error_summary() + code_form.error_summary(),
        },
        status=status,
    )


# --- account appeals -------------------------------------------------------------------------------------------

APPEAL_PHOTO_FIELDS = [
    ("photo_front", IdentityPhotoKind.FRONT),
    ("photo_back", IdentityPhotoKind.BACK),
    ("photo_in_hand", IdentityPhotoKind.IN_HAND),
]


def appeal(request):
    slots = [PhotoSlot(field=field, kind=kind) for field, kind in APPEAL_PHOTO_FIELDS]
    code_form = SendCodeForm()
    status = 200
    wait_seconds = 0
    if request.method != "POST":
        form = AppealForm()
    else:
        data = request.POST.copy()
        _accept_photos(request, data, slots)
        photo_errors = {slot.field: slot.error.messages for slot in slots if slot.error}
        action = request.POST.get("action", "submit")
        if action in {"send_code", "refresh_captcha"}:
            form, code_form, wait_seconds = _code_step(
                request, data, form_class=AppealForm, purpose=SmsPurpose.APPEAL, errors=photo_errors
            )
        else:
            form = AppealForm(data, request.FILES)
            status = 400
            if form.is_valid() and not photo_errors and all(slot.photo for slot in slots):
                try:
                    filed = services.file_appeal_with_code(
                        data=form.cleaned_data,
                        photos={slot.kind: slot.photo for slot in slots},
                        client_ip=client_ip(request),
                    )
                except ValidationError as error:
                    for field, errors in error.error_dict.items():
                        for each in errors:
                            form.add_error(field, each)
                else:
                    return redirect("accounts:appeal_status", appeal_uuid=filed.uuid)
            for slot in slots:
                if slot.error:
                    form.add_error(slot.field, slot.error)
                elif slot.photo is None and slot.field not in form.errors:
                    form.add_error(slot.field, f"请上传{form.fields[slot.field].label}")
    return render(
        request,
        "accounts/appeal.html",
        {
            "form": form,
            "code_form": code_form,
            "wait_seconds": wait_seconds,
            "photos": {slot.field: slot.photo for slot in slots},
            "error_summary": form.error_summary() + code_form.error_summary(),
        },
        status=status,
    )


def appeal_status(request, appeal_uuid):
    """Anyone holding the appeal's number (a random uuid) sees its state, with personal data masked."""
    filed = get_object_or_404(AccountAppeal, uuid=appeal_uuid)
    return render(
        request,
        "accounts/appeal_status.html",
        {
            "appeal": filed,
            "masked_document_number": mask_document_number(filed.document_number),
            "masked_mobile": mask_mobile(filed.new_mobile),
            "status_url": request.build_absolute_uri(reverse("accounts:appeal_status", args=[filed.uuid])),
            "lookup_code": services.appeal_lookup_code(filed),
        },
    )


def appeal_lookup(request):
    """查询申诉进度 from the sign-in page: the document number and the appeal's 8-character lookup code."""
    number = request.GET.get("document_number", "")[:32]
    code = request.GET.get("code", "")[:16]
    error = ""
    if request.GET:
        if any(ord(ch) < 32 for ch in number + code):
            error = "证件号码或查询码含有无法识别的字符"
        else:
            found = services.find_appeal(document_number=number, code=code)
            if found is not None:
                return redirect("accounts:appeal_status", appeal_uuid=found.uuid)
            error = "未找到对应的申诉，请核对证件号码和查询码"
    return render(
        request,
        "accounts/appeal_lookup.html",
        {"error": error, "document_number": number, "code": code},
        status=400 if error else 200,
    )


# --- the SMS outbox (the default SMS backend's messages) -----------------------------------------------------


def sms_outbox(request):
    if (
        not settings.KUAIJI_SMS_OUTBOX_PAGE
        or settings.KUAIJI_SMS_BACKEND != "kuaiji.accounts.sms.OutboxBackend"
    ):
        raise Http404
    return render(request, "accounts/sms_outbox.html", {"outbox": read_outbox(limit=50)})


def agreement(request):
    return render(request, "accounts/agreement.html")
