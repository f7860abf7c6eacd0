"""忘记密码 page."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.shortcuts import redirect, render

from kuaiji.core.http import client_ip

from .. import services
from ..forms import (
    ResetPasswordForm,
    ResetSendCodeForm,
)
from ..verification import request_reset_code
from .steps import _redisplay


def reset_password(request):
    code_form = ResetSendCodeForm()
    status = 200
    wait_seconds = 0
    if request.method != "POST":
        form = ResetPasswordForm()
    else:
        action = request.POST.get("action", "submit")
        if action in {"send_code", "refresh_captcha"}:
            errors: dict[str, Any] = {}
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
