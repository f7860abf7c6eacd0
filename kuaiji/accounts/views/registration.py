"""新用户注册 page, and the two background requests its script makes: the photo sent as soon as it is
chosen, and the state of its reading (识别中, then what the card says against what was typed)."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from kuaiji.core.constants import DocumentType
from kuaiji.core.http import client_ip
from kuaiji.recognition.selectors import CardCheck, card_check, reading_of

from .. import services
from ..constants import IdentityPhotoKind, SmsPurpose
from ..forms import (
    RegistrationForm,
    SendCodeForm,
)
from ..models import IdentityPhoto
from .steps import PhotoSlot, _accept_photos, _code_step

#: How often the page asks again while the card is being read.
POLL_MILLISECONDS = 1000


def _photo_slot() -> PhotoSlot:
    return PhotoSlot(field="id_photo", kind=IdentityPhotoKind.FRONT)


def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    slot = _photo_slot()
    code_form = SendCodeForm()
    wait_seconds = 0
    status = 200
    data = request.POST.copy()
    if request.method != "POST":
        form = RegistrationForm()
    else:
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
            "card": _card_check(slot.photo, data),
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


def _card_check(photo: IdentityPhoto | None, data) -> CardCheck | None:
    """The photo's reading against the name and number on the form (as typed so far)."""
    if photo is None:
        return None
    return card_check(
        reading_of(photo.sha256),
        typed_name=data.get("full_name", ""),
        typed_number=data.get("document_number", ""),
        document_type=data.get("document_type", "") or DocumentType.RESIDENT_ID,
    )


def _photo_answer(photo: IdentityPhoto, data, request) -> JsonResponse:
    card = _card_check(photo, data)
    in_progress = card is not None and card.in_progress
    return JsonResponse(
        {
            "token": str(photo.uuid),
            "html": render_to_string(
                "accounts/_card_check.html",
                {"photo": photo, "card": card},
                request=request,
            ),
            "in_progress": in_progress,
            "poll_after_ms": POLL_MILLISECONDS if in_progress else None,
        }
    )


@require_POST
def register_photo(request):
    """The ID photo, sent by the page's script as soon as it is chosen: stored, its reading asked for;
    answers the token for the form's hidden field and the state to show. A refused photo answers 400
    with the reasons."""
    if request.user.is_authenticated:
        return JsonResponse({"errors": ["您已登录，无需注册"]}, status=400)
    slot = _photo_slot()
    data = request.POST.copy()
    _accept_photos(request, data, [slot])
    if slot.error:
        return JsonResponse({"errors": slot.error.messages}, status=400)
    if slot.photo is None:
        return JsonResponse({"errors": ["请选择身份证件人像面照片"]}, status=400)
    return _photo_answer(slot.photo, data, request)


@require_POST
def register_photo_check(request):
    """The state of the chosen photo's reading against the name and number typed so far (the script
    asks every second while 识别中, and again when the name or number changes). Sent in the body, so no
    name or number is in an address or a log."""
    photo = services.pending_identity_photo(
        photo_uuid=request.POST.get("id_photo_token"),
        upload_session=request.session.get("upload_token", ""),
        kind=IdentityPhotoKind.FRONT,
    )
    if photo is None:
        return JsonResponse({"errors": ["照片已失效，请重新选择证件照片"]}, status=404)
    return _photo_answer(photo, request.POST, request)
