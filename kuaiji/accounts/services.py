"""Account services: the one place each account rule lives. Views, the API and commands call these.

Permission checks are the caller's (views decide who may call); every function here that changes
state runs in a transaction and writes its audit event in it.
"""

import math
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core.images import clean_image_upload
from kuaiji.core.storage import save_clean_image

from . import signin
from .constants import AccountType, IdentityPhotoKind
from .models import AccountAppeal, IdentityPhoto, LegacyHolder, SmsCode, User
from .sessions import end_sessions
from .signals import password_changed
from .verification import consume_sms_code


class DocumentNumberTaken(ValidationError):
    pass


class MobileTaken(ValidationError):
    pass


def document_taken_message():
    return format_html(
        '该证件号码已注册。如忘记密码，请<a href="{}">找回密码</a>；如不是您本人注册的，请<a href="{}">提交账号申诉</a>。',
        reverse("accounts:reset_password"),
        reverse("accounts:appeal"),
    )


def mobile_taken_message():
    return format_html(
        '该手机号码已绑定其他账号。如该号码现由您使用，请<a href="{}">提交账号申诉</a>。',
        reverse("accounts:appeal"),
    )


def store_identity_photo(
    *, upload, kind: str, upload_session: str, owner: User | None = None
) -> IdentityPhoto:
    """Check, re-encode and store a photo of an identity document. Raises ValidationError."""
    image = clean_image_upload(upload)
    name = save_clean_image(image, prefix="identity")
    try:
        return IdentityPhoto.objects.create(
            kind=kind,
            file=name,
            content_type=image.content_type,
            sha256=image.sha256,
            size=image.size,
            width=image.width,
            height=image.height,
            original_name=(getattr(upload, "name", "") or "")[:200],
            owner=owner,
            upload_session=upload_session,
        )
    except Exception:
        # No orphan file when the row could not be written.
        from kuaiji.core.storage import delete_stored_file

        delete_stored_file(name)
        raise


def pending_identity_photo(*, photo_uuid, upload_session: str, kind: str) -> IdentityPhoto | None:
    """A photo this browser uploaded and nobody has claimed yet."""
    if not photo_uuid or not upload_session:
        return None
    try:
        return IdentityPhoto.objects.filter(
            uuid=photo_uuid, upload_session=upload_session, kind=kind, owner__isnull=True, appeal__isnull=True
        ).first()
    except ValidationError:
        return None


def _applicants():
    return User.objects.filter(account_type=AccountType.APPLICANT)


def _check_not_taken(*, document_type: str, document_number: str, mobile: str, exclude_pk=None) -> None:
    if (
        User.objects.filter(document_type=document_type, document_number=document_number)
        .exclude(pk=exclude_pk)
        .exists()
    ):
        raise DocumentNumberTaken(document_taken_message(), code="document_taken")
    if _applicants().filter(mobile=mobile).exclude(pk=exclude_pk).exists():
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
    *, document_type, document_number, full_name, mobile, password, id_photo, client_ip
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
    *, document_type, document_number, full_name, mobile, password, legacy_holder, verified_at
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


def applicant_by_identity(*, document_type: str, document_number: str, full_name: str) -> User | None:
    """The applicant with this document and name (who may reset a password), or None."""
    from .backends import find_applicant

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


def _activate(*, document_type, document_number, full_name, mobile, password, client_ip) -> User:
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
    missing = {IdentityPhotoKind.FRONT, IdentityPhotoKind.BACK, IdentityPhotoKind.IN_HAND} - set(photos)
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


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] | None = None


def import_legacy_holders(rows, *, source_file: str) -> ImportReport:
    """Import (row number, {姓名, 证件类型, 证件号码, 证书编号}) rows from an old register.

    Valid rows are written (re-importing updates them), invalid ones reported with their reason; the
    import records the source file and row of each person.
    """
    from kuaiji.core.constants import DocumentType
    from kuaiji.core.validators import clean_document_number, clean_person_name

    labels = {label: value for value, label in DocumentType.choices}
    report = ImportReport(errors=[])
    with transaction.atomic():
        for row_number, row in rows:
            try:
                document_type = labels.get((row.get("证件类型") or "").strip() or "居民身份证")
                if document_type is None:
                    raise ValidationError("证件类型不正确")
                document_number = clean_document_number(document_type, str(row.get("证件号码") or ""))
                full_name = clean_person_name(str(row.get("姓名") or ""))
            except ValidationError as error:
                report.errors.append((row_number, "；".join(error.messages)))
                continue
            _, created = LegacyHolder.objects.update_or_create(
                document_type=document_type,
                document_number=document_number,
                defaults={
                    "full_name": full_name,
                    "certificate_number": str(row.get("证书编号") or "").strip()[:64],
                    "source_file": source_file[:255],
                    "source_row": row_number,
                },
            )
            if created:
                report.created += 1
            else:
                report.updated += 1
        record_event(
            action=AuditAction.LEGACY_IMPORTED,
            details={
                "source_file": source_file,
                "created": report.created,
                "updated": report.updated,
                "errors": len(report.errors),
            },
        )
    return report


def ensure_role_groups() -> None:
    from django.contrib.auth.models import Group

    from .constants import StaffRole

    for role in StaffRole:
        Group.objects.get_or_create(name=role.value)


@transaction.atomic
def ensure_staff_member(
    *,
    username: str,
    full_name: str,
    department,
    roles: list[str],
    password: str,
    is_platform_admin: bool = False,
) -> User:
    """Create a staff account if it does not exist yet (demo data and set-up scripts)."""
    from django.contrib.auth.models import Group

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            account_type=AccountType.STAFF,
            full_name=full_name,
            department=department,
            is_staff=is_platform_admin,
            is_superuser=is_platform_admin,
        )
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=roles))
    return user


def prune_unclaimed_identity_photos(*, older_than=None) -> int:
    """Delete photos uploaded during a registration or appeal that was never completed, and their files.

    Run daily (``manage.py prune_identity_photos``). A photo is unclaimed when neither an account nor an
    appeal owns it; the default grace period (one day) outlives any form a person is still filling in.
    """
    from datetime import timedelta

    from kuaiji.core.storage import delete_stored_file

    cutoff = timezone.now() - (older_than or timedelta(days=1))
    pruned = 0
    stale = IdentityPhoto.objects.filter(owner__isnull=True, appeal__isnull=True, created_at__lt=cutoff)
    for photo in stale.iterator():
        name = photo.file.name
        with transaction.atomic():
            deleted, _ = IdentityPhoto.objects.filter(
                pk=photo.pk, owner__isnull=True, appeal__isnull=True
            ).delete()
        if deleted:
            delete_stored_file(name)
            pruned += 1
    return pruned


def notify(*, user: User, text: str, link: str = "", sms: bool = True) -> None:
    """An in-site message, and the same words by SMS (after commit) when the person has a mobile."""
    from .models import Notification
    from .tasks import send_sms

    Notification.objects.create(user=user, text=text, link=link)
    if sms and user.mobile:
        from django.conf import settings

        message = f"【{settings.KUAIJI_SITE_NAME}】{text}"
        transaction.on_commit(lambda: send_sms.enqueue(mobile=user.mobile, text=message))


def appeal_department(*, document_type: str, document_number: str):
    """The department that decides an appeal: the one covering the region of the document number (resident
    IDs and residence permits carry it), else the root (provincial) department."""
    from kuaiji.core.constants import DocumentType
    from kuaiji.regions.models import Department
    from kuaiji.regions.selectors import department_covering

    if document_type in (DocumentType.RESIDENT_ID, DocumentType.HMT_RESIDENCE_PERMIT):
        department = department_covering(document_number[:6])
        if department is not None:
            return department
    return Department.objects.filter(parent__isnull=True, is_active=True).order_by("pk").first()


class AppealAlreadyDecided(Exception):
    pass


@transaction.atomic
def decide_appeal(*, staff: User, appeal: AccountAppeal, grant: bool, reason: str, request=None) -> None:
    """Grant or refuse an account appeal. The caller has checked the staff member's scope.

    Granting a taken number: the account holding it is closed (its number is released and its sessions
    end) and the appellant gets an account on the number with the verified new mobile, to which they set
    a password through 忘记密码. Granting a lost phone: the account of the number gets the new mobile; any
    other account holding that mobile loses it; the account's sessions end. Everything is audited.
    """
    from .constants import AppealReason, AppealStatus

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
        transaction.on_commit(lambda user=user: end_sessions(user))
    words = (
        "您的账号申诉已通过。请在登录页点击“忘记密码”，用新手机号接收验证码设置密码。"
        if grant and appeal.reason == AppealReason.NUMBER_TAKEN
        else "您的账号申诉已通过，新手机号码已绑定，可用于登录和接收验证码。"
        if grant
        else f"您的账号申诉未通过：{reason}"
    )
    from django.conf import settings

    from .tasks import send_sms

    message = f"【{settings.KUAIJI_SITE_NAME}】{words}"
    transaction.on_commit(lambda: send_sms.enqueue(mobile=appeal.new_mobile, text=message))


# --- whole steps, once their form is valid: the pages and the API both call these -------------------------


def _on_field(field: str, error: ValidationError) -> ValidationError:
    return ValidationError({field: error.error_list})


def register_with_code(
    *,
    data: dict,
    client_ip: str,
    id_photo: IdentityPhoto | None = None,
    id_photo_upload: Any = None,
) -> User:
    """新用户注册, the one step the page and the API both call: check the SMS code, store the ID photo when
    it comes as an upload (the page has stored it already: ``id_photo``), then create the account.

    ``data`` is a valid RegistrationForm's cleaned data. Raises ValidationError keyed by field (sms_code,
    id_photo, document_number, mobile)."""
    import secrets

    from .constants import SmsPurpose
    from .verification import check_sms_code

    try:
        sms_code = check_sms_code(mobile=data["mobile"], purpose=SmsPurpose.REGISTER, code=data["sms_code"])
    except ValidationError as error:
        raise _on_field("sms_code", error) from error
    if id_photo is None and id_photo_upload is not None:
        try:
            id_photo = store_identity_photo(
                upload=id_photo_upload, kind=IdentityPhotoKind.FRONT, upload_session=secrets.token_hex(16)
            )
        except ValidationError as error:
            raise _on_field("id_photo", error) from error
    if id_photo is None:
        raise _on_field("id_photo", ValidationError("请上传身份证件人像面照片", code="required"))
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
        raise _on_field("document_number", error) from error
    except MobileTaken as error:
        raise _on_field("mobile", error) from error


def file_appeal_with_code(*, data: dict, photos: dict[str, IdentityPhoto], client_ip: str) -> AccountAppeal:
    """账号申诉, the one step a page or an API endpoint calls: check the SMS code sent to the new mobile,
    then file the appeal. ``data`` is a valid AppealForm's cleaned data; ``photos`` maps each
    IdentityPhotoKind to its stored photo. Raises ValidationError keyed by field (sms_code)."""
    from .constants import SmsPurpose
    from .verification import check_sms_code

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
        raise _on_field("sms_code", error) from error


def appeal_lookup_code(appeal: AccountAppeal) -> str:
    """The 8-character code an appellant keeps to look their appeal up with their document number."""
    return appeal.uuid.hex[:8].upper()


def find_appeal(*, document_number: str, code: str) -> AccountAppeal | None:
    """The appeal filed for ``document_number`` whose lookup code is ``code``; None for any mismatch (one
    answer whether the number or the code is wrong)."""
    number = "".join(document_number.split()).upper()
    wanted = "".join(code.split()).upper()
    if not number or len(wanted) != 8:
        return None
    for appeal in AccountAppeal.objects.filter(document_number=number).order_by("-created_at")[:20]:
        if appeal_lookup_code(appeal) == wanted:
            return appeal
    return None


def reset_password_with_code(*, data: dict, client_ip: str) -> User:
    """忘记密码: the applicant with this document and name, the code sent to their phone, the new password.

    ``data`` is a valid ResetPasswordForm's cleaned data. An unknown person gets the same message as a wrong
    code. Raises ValidationError keyed by field."""
    from .constants import SmsPurpose
    from .verification import check_sms_code

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
        raise _on_field("sms_code", error) from error
    reset_password(user=user, new_password=data["password1"], sms_code=sms_code, client_ip=client_ip)
    return user


def activate_with_code(*, data: dict, client_ip: str) -> User:
    """原有用户设置密码: check the SMS code, then activate. ``data`` is a valid ActivationForm's cleaned data.
    Raises ValidationError keyed by field (sms_code, mobile, document_number)."""
    from .constants import SmsPurpose
    from .verification import check_sms_code

    try:
        sms_code = check_sms_code(mobile=data["mobile"], purpose=SmsPurpose.ACTIVATE, code=data["sms_code"])
    except ValidationError as error:
        raise _on_field("sms_code", error) from error
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
        raise _on_field("mobile", error) from error
    except ValidationError as error:
        raise _on_field("document_number", error) from error


@dataclass(frozen=True)
class TotpCheck:
    """The outcome of a staff member's TOTP code: the matching device, or why not."""

    device: Any = None
    # Seconds until django-otp's throttling (after a wrong code) lets the devices check a code again.
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.device is not None


def check_staff_totp(*, user: User, code: str) -> TotpCheck:
    """Check a 6-digit code against the user's confirmed devices (the sign-in page and the API both call
    this). After a wrong code django-otp refuses every code for a growing interval, a correct one too; then
    ``wait_seconds`` says how long, so the caller can say when to try again instead of "wrong code".
    Records nothing: the callers audit the sign-in or the failure."""
    from django_otp import devices_for_user

    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6):
        return TotpCheck()
    wait = 0
    now = timezone.now()
    for device in devices_for_user(user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if not allowed:
            locked_until = (data or {}).get("locked_until")
            seconds = math.ceil((locked_until - now).total_seconds()) if locked_until else 1
            wait = max(wait, seconds, 1)
            continue
        if device.verify_token(code):
            return TotpCheck(device=device)
    return TotpCheck(wait_seconds=wait)
