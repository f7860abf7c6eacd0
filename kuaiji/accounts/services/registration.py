"""新用户注册: an applicant's account, and the numbers and mobiles already taken."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event

from ..constants import AccountType, IdentityPhotoKind
from ..models import IdentityPhoto, LegacyHolder, SmsCode, User
from ..verification import consume_sms_code
from .fields import on_field
from .identity_photos import store_identity_photo


class DocumentNumberTaken(ValidationError):
    pass


class MobileTaken(ValidationError):
    pass


def document_taken_message() -> SafeString:
    return format_html(
        '该证件号码已注册。如忘记密码，请<a href="{}">找回密码</a>；如不是您本人注册的，请<a href="{}">提交账号申诉</a>。',
        reverse("accounts:reset_password"),
        reverse("accounts:appeal"),
    )


def mobile_taken_message() -> SafeString:
    return format_html(
        '该手机号码已绑定其他账号。如该号码现由您使用，请<a href="{}">提交账号申诉</a>。',
        reverse("accounts:appeal"),
    )


def _applicants() -> QuerySet[User]:
    return User.objects.filter(account_type=AccountType.APPLICANT)


def _check_not_taken(
    *, document_type: str, document_number: str, mobile: str, exclude_pk: int | None = None
) -> None:
    same_number = User.objects.filter(document_type=document_type, document_number=document_number)
    same_mobile = _applicants().filter(mobile=mobile)
    if exclude_pk is not None:
        same_number = same_number.exclude(pk=exclude_pk)
        same_mobile = same_mobile.exclude(pk=exclude_pk)
    if same_number.exists():
        raise DocumentNumberTaken(document_taken_message(), code="document_taken")
    if same_mobile.exists():
        raise MobileTaken(mobile_taken_message(), code="mobile_taken")


def register_applicant(
    *,
    document_type: str,
    document_number: str,
    full_name: str,
    mobile: str,
    password: str,
    sms_code: SmsCode,
    id_photo: IdentityPhoto,
    client_ip: str,
) -> User:
    """Create an applicant's account.

    Preconditions: every field is already cleaned, the SMS code was checked for ``mobile`` (it is used
    up here, also when the number turns out to be taken, so one code cannot probe many numbers) and
    the password validated. Raises DocumentNumberTaken / MobileTaken.
    """
    # The code is used up in its own transaction first: it stays used when the number is taken.
    consume_sms_code(sms_code)
    with transaction.atomic():
        return _create_applicant(
            document_type=document_type,
            document_number=document_number,
            full_name=full_name,
            mobile=mobile,
            password=password,
            id_photo=id_photo,
            client_ip=client_ip,
        )


def _create_applicant(
    *,
    document_type: str,
    document_number: str,
    full_name: str,
    mobile: str,
    password: str,
    id_photo: IdentityPhoto,
    client_ip: str,
) -> User:
    _check_not_taken(document_type=document_type, document_number=document_number, mobile=mobile)
    now = timezone.now()
    legacy = LegacyHolder.objects.filter(
        document_type=document_type,
        document_number=document_number,
        activated_at__isnull=True,
        user__isnull=True,
    ).first()
    user = _save_applicant(
        document_type=document_type,
        document_number=document_number,
        full_name=full_name,
        mobile=mobile,
        password=password,
        legacy_holder=legacy if legacy and legacy.full_name == full_name else None,
        verified_at=now,
    )
    if user.legacy_holder_id:
        LegacyHolder.objects.filter(pk=user.legacy_holder_id).update(activated_at=now)
    IdentityPhoto.objects.filter(pk=id_photo.pk).update(owner=user, upload_session="")
    record_event(action=AuditAction.ACCOUNT_REGISTERED, actor=user, target=user, ip=client_ip)
    return user


def _save_applicant(
    *,
    document_type: str,
    document_number: str,
    full_name: str,
    mobile: str,
    password: str,
    legacy_holder: LegacyHolder | None,
    verified_at: datetime,
) -> User:
    user = User(
        account_type=AccountType.APPLICANT,
        document_type=document_type,
        document_number=document_number,
        full_name=full_name,
        mobile=mobile,
        mobile_verified_at=verified_at,
        legacy_holder=legacy_holder,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        # Two registrations of the same number at once: the unique constraints decide.
        raise DocumentNumberTaken(document_taken_message(), code="document_taken") from error
    return user


def register_with_code(
    *,
    data: dict[str, Any],
    client_ip: str,
    id_photo: IdentityPhoto | None = None,
    id_photo_upload: Any = None,
) -> User:
    """新用户注册, the one step the page and the API both call: check the SMS code, store the ID photo when
    it comes as an upload (the page has stored it already: ``id_photo``), then create the account.

    ``data`` is a valid RegistrationForm's cleaned data. Raises ValidationError keyed by field (sms_code,
    id_photo, document_number, mobile)."""
    import secrets

    from ..constants import SmsPurpose
    from ..verification import check_sms_code

    try:
        sms_code = check_sms_code(mobile=data["mobile"], purpose=SmsPurpose.REGISTER, code=data["sms_code"])
    except ValidationError as error:
        raise on_field("sms_code", error) from error
    if id_photo is None and id_photo_upload is not None:
        try:
            id_photo = store_identity_photo(
                upload=id_photo_upload, kind=IdentityPhotoKind.FRONT, upload_session=secrets.token_hex(16)
            )
        except ValidationError as error:
            raise on_field("id_photo", error) from error
    if id_photo is None:
        raise on_field("id_photo", ValidationError("请上传身份证件人像面照片", code="required"))
    try:
        return register_applicant(
            document_type=data["document_type"],
            document_number=data["document_number"],
            full_name=data["full_name"],
            mobile=data["mobile"],
            password=data["password1"],
            sms_code=sms_code,
            id_photo=id_photo,
            client_ip=client_ip,
        )
    except DocumentNumberTaken as error:
        raise on_field("document_number", error) from error
    except MobileTaken as error:
        raise on_field("mobile", error) from error
