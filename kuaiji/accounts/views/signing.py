"""Signing in and out: applicants, staff and the staff TOTP step."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.forms.utils import ErrorDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core.http import client_ip

from .. import services, signin
from ..constants import AccountType
from ..forms import (
    SignInForm,
    StaffSignInForm,
)
from .steps import _safe_next


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

    from ..models import User

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
