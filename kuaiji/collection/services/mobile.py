"""A new mobile in 个人信息: the code is sent to it, and the draft keeps it once the code is verified."""

from django.core.exceptions import ValidationError
from django.db import transaction

from kuaiji.accounts.constants import SmsPurpose
from kuaiji.accounts.verification import check_sms_code, consume_sms_code, request_sms_code
from kuaiji.core.validators import clean_mobile

from ..models import Submission
from .drafts import record_verified_mobile


def send_new_mobile_code(*, mobile: str, client_ip: str) -> None:
    """Send a code to the new ``mobile`` (the rate limits of every SMS code apply; ValidationError says
    when to try again)."""
    request_sms_code(mobile=mobile, purpose=SmsPurpose.CHANGE_MOBILE, client_ip=client_ip)


def verify_new_mobile(submission: Submission, *, mobile: str, code: str, expected_version: int) -> str:
    """Check ``code`` for the new ``mobile`` and keep the mobile, verified, in the draft's 个人信息.

    Raises ValidationError keyed by field (``mobile``: a bad number; ``sms_code``: a wrong, expired or
    used code), DraftConflict (saved elsewhere since ``expected_version``) or NotEditable. Wrong tries
    are counted outside the transaction, so they are kept; the code is used up in the transaction that
    records the mobile. Returns the mobile as kept.
    """
    try:
        cleaned = clean_mobile(mobile)
    except ValidationError as error:
        raise ValidationError({"mobile": error.error_list}) from error
    try:
        sms_code = check_sms_code(mobile=cleaned, purpose=SmsPurpose.CHANGE_MOBILE, code=code)
    except ValidationError as error:
        raise ValidationError({"sms_code": error.error_list}) from error
    with transaction.atomic():
        try:
            consume_sms_code(sms_code)
        except ValidationError as error:
            raise ValidationError({"sms_code": error.error_list}) from error
        record_verified_mobile(submission, mobile=cleaned, expected_version=expected_version)
    return cleaned
