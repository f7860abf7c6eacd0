"""新用户注册 page."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from kuaiji.core.http import client_ip

from .. import services
from ..constants import IdentityPhotoKind, SmsPurpose
from ..forms import (
    RegistrationForm,
    SendCodeForm,
)
from .steps import PhotoSlot, _accept_photos, _code_step


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
