"""Holders of the former accounting certificate: importing the old register and 原有用户设置密码."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event

from ..models import LegacyHolder, SmsCode, User
from ..verification import consume_sms_code
from .fields import on_field
from .registration import MobileTaken, _check_not_taken, _save_applicant


class LegacyHolderNotFound(ValidationError):
    pass


def activate_legacy_account(
    *,
    document_type: str,
    document_number: str,
    full_name: str,
    mobile: str,
    password: str,
    sms_code: SmsCode,
    client_ip: str,
) -> User:
    """Create the account of a holder of the former accounting certificate imported from an old register.

    The name must match the imported record. Raises LegacyHolderNotFound, DocumentNumberTaken, MobileTaken.
    """
    consume_sms_code(sms_code)
    with transaction.atomic():
        return _activate(
            document_type=document_type,
            document_number=document_number,
            full_name=full_name,
            mobile=mobile,
            password=password,
            client_ip=client_ip,
        )


def _activate(
    *, document_type: str, document_number: str, full_name: str, mobile: str, password: str, client_ip: str
) -> User:
    holder = (
        LegacyHolder.objects.select_for_update()
        .filter(document_type=document_type, document_number=document_number, full_name=full_name)
        .first()
    )
    if holder is None:
        raise LegacyHolderNotFound(
            format_html(
                '原持证人员名单中没有与该姓名和证件号码对应的记录，请核对；如从未取得会计从业资格证书，请<a href="{}">注册新用户</a>。',
                reverse("accounts:register"),
            ),
            code="legacy_not_found",
        )
    _check_not_taken(document_type=document_type, document_number=document_number, mobile=mobile)
    now = timezone.now()
    user = _save_applicant(
        document_type=document_type,
        document_number=document_number,
        full_name=full_name,
        mobile=mobile,
        password=password,
        legacy_holder=holder,
        verified_at=now,
    )
    holder.activated_at = now
    holder.save(update_fields=["activated_at"])
    record_event(action=AuditAction.ACCOUNT_LEGACY_ACTIVATED, actor=user, target=user, ip=client_ip)
    return user


def activate_with_code(*, data: dict[str, Any], client_ip: str) -> User:
    """原有用户设置密码: check the SMS code, then activate. ``data`` is a valid ActivationForm's cleaned data.
    Raises ValidationError keyed by field (sms_code, mobile, document_number)."""
    from ..constants import SmsPurpose
    from ..verification import check_sms_code

    try:
        sms_code = check_sms_code(mobile=data["mobile"], purpose=SmsPurpose.ACTIVATE, code=data["sms_code"])
    except ValidationError as error:
        raise on_field("sms_code", error) from error
    try:
        return activate_legacy_account(
            document_type=data["document_type"],
            document_number=data["document_number"],
            full_name=data["full_name"],
            mobile=data["mobile"],
            password=data["password1"],
            sms_code=sms_code,
            client_ip=client_ip,
        )
    except MobileTaken as error:
        raise on_field("mobile", error) from error
    except ValidationError as error:
        raise on_field("document_number", error) from error
