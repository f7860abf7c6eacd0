"""What the pages that send codes and take photos share: the upload session, redisplaying a form, photo slots, the SMS-code step."""

import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict

from kuaiji.core.http import client_ip, safe_next

from .. import services
from ..forms import (
    SendCodeForm,
)
from ..models import IdentityPhoto
from ..verification import request_sms_code, seconds_until_next_code

CODE_SENT = "短信验证码已发送，请查收。5 分钟内有效。"


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
                    upload=upload, kind=slot.kind, upload_session=session, client_ip=client_ip(request)
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
