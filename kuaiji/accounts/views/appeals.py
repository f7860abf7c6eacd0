"""账号申诉 pages: filing, the status page and looking an appeal up."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from kuaiji.core.http import client_ip
from kuaiji.core.validators import mask_document_number, mask_mobile

from .. import services
from ..constants import IdentityPhotoKind, SmsPurpose
from ..forms import (
    AppealForm,
    SendCodeForm,
)
from ..models import AccountAppeal
from .steps import PhotoSlot, _accept_photos, _code_step

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
                        photos={slot.kind: slot.photo for slot in slots if slot.photo is not None},
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
    status = 200
    if request.GET:
        # Control characters never reach here: ControlCharacterQueryMiddleware answers them with a 400 page.
        try:
            found = services.find_appeal(document_number=number, code=code, client_ip=client_ip(request))
        except services.TooManyLookups:
            error, status = "查询过于频繁，请一小时后再试", 429
        else:
            if found is not None:
                return redirect("accounts:appeal_status", appeal_uuid=found.uuid)
            error, status = "未找到对应的申诉，请核对证件号码和查询码", 400
    return render(
        request,
        "accounts/appeal_lookup.html",
        {"error": error, "document_number": number, "code": code},
        status=status,
    )
