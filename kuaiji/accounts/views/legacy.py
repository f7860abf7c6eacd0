"""原有用户设置密码 page."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from kuaiji.core.http import client_ip

from .. import services
from ..constants import SmsPurpose
from ..forms import (
    ActivationForm,
    SendCodeForm,
)
from .steps import _code_step


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
