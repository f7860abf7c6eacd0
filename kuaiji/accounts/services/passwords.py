"""Passwords: reset with the registered phone's code, change when signed in."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event

from .. import signin
from ..models import SmsCode, User
from ..sessions import end_sessions
from ..signals import password_changed
from ..verification import consume_sms_code
from .fields import on_field


def applicant_by_identity(*, document_type: str, document_number: str, full_name: str) -> User | None:
    """The applicant with this document and name (who may reset a password), or None."""
    from ..backends import find_applicant

    user = find_applicant(document_number)
    if user is None or user.document_type != document_type or user.full_name != full_name:
        return None
    return user


def validate_new_password(password: str, *, document_number: str | None) -> None:
    validate_password(password, user=User(document_number=document_number))


@transaction.atomic
def reset_password(*, user: User, new_password: str, sms_code: SmsCode, client_ip: str) -> None:
    """Set a new password after the registered phone's code was checked; ends every session."""
    consume_sms_code(sms_code)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record_event(action=AuditAction.ACCOUNT_PASSWORD_RESET, actor=user, target=user, ip=client_ip)
    transaction.on_commit(lambda: end_sessions(user))
    transaction.on_commit(lambda: signin.clear_failures(user))
    password_changed.send(sender=User, user=user)


@transaction.atomic
def change_password(
    *, user: User, new_password: str, current_session_key: str | None, client_ip: str
) -> None:
    """Change the password of a signed-in user (old password already checked); ends the other sessions."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record_event(action=AuditAction.ACCOUNT_PASSWORD_CHANGED, actor=user, target=user, ip=client_ip)
    transaction.on_commit(lambda: end_sessions(user, keep_session_key=current_session_key))
    password_changed.send(sender=User, user=user)


def reset_password_with_code(*, data: dict[str, Any], client_ip: str) -> User:
    """忘记密码: the applicant with this document and name, the code sent to their phone, the new password.

    ``data`` is a valid ResetPasswordForm's cleaned data. An unknown person gets the same message as a wrong
    code. Raises ValidationError keyed by field."""
    from ..constants import SmsPurpose
    from ..verification import check_sms_code

    user = applicant_by_identity(
        document_type=data["document_type"],
        document_number=data["document_number"],
        full_name=data["full_name"],
    )
    try:
        if user is None or not user.mobile:
            raise ValidationError("短信验证码不正确，请核对证件号码、姓名和验证码", code="wrong")
        sms_code = check_sms_code(
            mobile=user.mobile, purpose=SmsPurpose.RESET_PASSWORD, code=data["sms_code"]
        )
    except ValidationError as error:
        raise on_field("sms_code", error) from error
    reset_password(user=user, new_password=data["password1"], sms_code=sms_code, client_ip=client_ip)
    return user
