"""账号申诉: filing, deciding and looking up an account appeal."""

from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core.ratelimit import over_limit
from kuaiji.core.validators import normalise_document_number

from ..constants import AccountType, IdentityPhotoKind
from ..models import AccountAppeal, IdentityPhoto, SmsCode, User
from ..sessions import end_sessions
from ..verification import consume_sms_code
from .fields import on_field
from .registration import _applicants

if TYPE_CHECKING:
    from kuaiji.regions.models import Department


@transaction.atomic
def file_appeal(
    *,
    reason: str,
    document_type: str,
    document_number: str,
    full_name: str,
    new_mobile: str,
    explanation: str,
    sms_code: SmsCode,
    photos: dict[str, IdentityPhoto],
    client_ip: str,
) -> AccountAppeal:
    """File an account appeal; it waits for staff of the department covering the person."""
    required: set[str] = {IdentityPhotoKind.FRONT, IdentityPhotoKind.BACK, IdentityPhotoKind.IN_HAND}
    missing = required - set(photos)
    if missing:
        raise ValidationError("请上传证件人像面、国徽面和手持证件照片", code="photos_missing")
    consume_sms_code(sms_code)
    appeal = AccountAppeal.objects.create(
        department=appeal_department(document_type=document_type, document_number=document_number),
        reason=reason,
        document_type=document_type,
        document_number=document_number,
        full_name=full_name,
        new_mobile=new_mobile,
        explanation=explanation,
        client_ip=client_ip,
    )
    IdentityPhoto.objects.filter(pk__in=[photo.pk for photo in photos.values()]).update(
        appeal=appeal, upload_session=""
    )
    record_event(action=AuditAction.APPEAL_FILED, target=appeal, ip=client_ip, details={"reason": reason})
    return appeal


def appeal_department(*, document_type: str, document_number: str) -> "Department | None":
    """The department that decides an appeal: the one covering the region of the document number (resident
    IDs and residence permits carry it), else the root (provincial) department."""
    from kuaiji.core.constants import DocumentType
    from kuaiji.regions.selectors import department_covering, provincial_department

    if document_type in (DocumentType.RESIDENT_ID, DocumentType.HMT_RESIDENCE_PERMIT):
        department = department_covering(document_number[:6])
        if department is not None:
            return department
    return provincial_department()


class AppealAlreadyDecided(Exception):
    pass


@transaction.atomic
def decide_appeal(
    *, staff: User, appeal: AccountAppeal, grant: bool, reason: str, request: HttpRequest | None = None
) -> None:
    """Grant or refuse an account appeal. The caller has checked the staff member's scope.

    Granting a taken number: the account holding it is closed (its number is released and its sessions
    end) and the appellant gets an account on the number with the verified new mobile, to which they set
    a password through 忘记密码. Granting a lost phone: the account of the number gets the new mobile; any
    other account holding that mobile loses it; the account's sessions end. Everything is audited.
    """
    from ..constants import AppealReason, AppealStatus

    reason = (reason or "").strip()
    if not grant and not reason:
        raise ValidationError("不予通过时请填写理由", code="reason_required")
    now = timezone.now()
    updated = AccountAppeal.objects.filter(pk=appeal.pk, status=AppealStatus.PENDING).update(
        status=AppealStatus.GRANTED if grant else AppealStatus.REFUSED,
        decision_reason=reason,
        decided_at=now,
        decided_by=staff,
    )
    if not updated:
        raise AppealAlreadyDecided()
    appeal.refresh_from_db()
    ended: list[User] = []
    if grant:
        holder = (
            User.objects.select_for_update()
            .filter(document_type=appeal.document_type, document_number=appeal.document_number)
            .first()
        )
        others_with_mobile = _applicants().select_for_update().filter(mobile=appeal.new_mobile)
        if holder is not None:
            others_with_mobile = others_with_mobile.exclude(pk=holder.pk)
        for other in others_with_mobile:
            other.mobile = ""
            other.mobile_verified_at = None
            other.save(update_fields=["mobile", "mobile_verified_at"])
            ended.append(other)
        if appeal.reason == AppealReason.NUMBER_TAKEN:
            if holder is not None:
                # Release the number: the account that took it is closed, never deleted (records may
                # point at it); an administrator can look it up by the audit event.
                holder.document_number = f"RELEASED-{holder.uuid.hex[:12].upper()}"
                holder.is_active = False
                holder.save(update_fields=["document_number", "is_active"])
                ended.append(holder)
            appellant = User(
                account_type=AccountType.APPLICANT,
                document_type=appeal.document_type,
                document_number=appeal.document_number,
                full_name=appeal.full_name,
                mobile=appeal.new_mobile,
                mobile_verified_at=now,
            )
            appellant.set_unusable_password()
            appellant.save()
            IdentityPhoto.objects.filter(appeal=appeal).update(owner=appellant)
        elif holder is not None:
            holder.mobile = appeal.new_mobile
            holder.mobile_verified_at = now
            holder.save(update_fields=["mobile", "mobile_verified_at"])
            ended.append(holder)
    record_event(
        action=AuditAction.APPEAL_GRANTED if grant else AuditAction.APPEAL_REFUSED,
        actor=staff,
        target=appeal,
        request=request,
        details={"reason": appeal.reason, "ended_accounts": [str(user.uuid) for user in ended]},
    )
    for user in ended:
        transaction.on_commit(partial(end_sessions, user))
    words = (
        "您的账号申诉已通过。请在登录页点击“忘记密码”，用新手机号接收验证码设置密码。"
        if grant and appeal.reason == AppealReason.NUMBER_TAKEN
        else "您的账号申诉已通过，新手机号码已绑定，可用于登录和接收验证码。"
        if grant
        else f"您的账号申诉未通过：{reason}"
    )
    from django.conf import settings

    from ..constants import SmsKind
    from ..sms_log import record_queued_sms
    from ..tasks import send_sms

    message = f"【{settings.KUAIJI_SITE_NAME}】{words}"
    delivery = str(record_queued_sms(mobile=appeal.new_mobile, kind=SmsKind.NOTICE, text=message).uuid)
    transaction.on_commit(lambda: send_sms.enqueue(mobile=appeal.new_mobile, text=message, delivery=delivery))


def file_appeal_with_code(
    *, data: dict[str, Any], photos: dict[str, IdentityPhoto], client_ip: str
) -> AccountAppeal:
    """账号申诉, the one step a page or an API endpoint calls: check the SMS code sent to the new mobile,
    then file the appeal. ``data`` is a valid AppealForm's cleaned data; ``photos`` maps each
    IdentityPhotoKind to its stored photo. Raises ValidationError keyed by field (sms_code)."""
    from ..constants import SmsPurpose
    from ..verification import check_sms_code

    try:
        sms_code = check_sms_code(mobile=data["mobile"], purpose=SmsPurpose.APPEAL, code=data["sms_code"])
        return file_appeal(
            reason=data["reason"],
            document_type=data["document_type"],
            document_number=data["document_number"],
            full_name=data["full_name"],
            new_mobile=data["mobile"],
            explanation=data["explanation"],
            sms_code=sms_code,
            photos=photos,
            client_ip=client_ip,
        )
    except ValidationError as error:
        raise on_field("sms_code", error) from error


def appeal_lookup_code(appeal: AccountAppeal) -> str:
    """The 8-character code an appellant keeps to look their appeal up with their document number."""
    return appeal.uuid.hex[:8].upper()


def _keyed(number: str) -> str:
    """A keyed hash, so no document number sits in the cache."""
    return salted_hmac("kuaiji.accounts.appeal_lookup", number, algorithm="sha256").hexdigest()[:40]


class TooManyLookups(Exception):
    """Too many appeal lookups from one address (or for one number) this hour."""


APPEAL_LOOKUPS_PER_ADDRESS_HOURLY = 30
APPEAL_LOOKUPS_PER_NUMBER_HOURLY = 10


def find_appeal(*, document_number: str, code: str, client_ip: str | None = None) -> AccountAppeal | None:
    """The appeal filed for ``document_number`` whose lookup code is ``code``; None for any mismatch (one
    answer whether the number or the code is wrong).

    Each lookup counts against the asking address and the number, so the 8-character code cannot be
    guessed and a list of numbers cannot be probed for appeals (``TooManyLookups``)."""
    number = normalise_document_number(document_number)
    wanted = "".join(code.split()).upper()
    if client_ip is not None and over_limit(
        f"appeal-lookup-ip:{client_ip}", limit=APPEAL_LOOKUPS_PER_ADDRESS_HOURLY, window_seconds=3600
    ):
        raise TooManyLookups
    if number and over_limit(
        f"appeal-lookup-number:{_keyed(number)}", limit=APPEAL_LOOKUPS_PER_NUMBER_HOURLY, window_seconds=3600
    ):
        raise TooManyLookups
    if not number or len(wanted) != 8:
        return None
    for appeal in AccountAppeal.objects.filter(document_number=number).order_by("-created_at")[:20]:
        if appeal_lookup_code(appeal) == wanted:
            return appeal
    return None
