"""Publishing, changing and withdrawing notices (通知公告) and their attachments (附件); every step audited,
the body sanitised.

Attachments are stored before the transaction that writes their rows (the storage is not part of the
database's transaction) and deleted again when that transaction fails, so no row ever points at a file
that is not there; a file taken off a notice is deleted only after its row's deletion commits.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core.storage import FILE_STORAGE_UNAVAILABLE_MESSAGE, delete_stored_file, save_private_file
from kuaiji.regions.scope import department_ids_in_scope

from .files import CheckedUpload
from .models import Announcement, AnnouncementAttachment
from .sanitising import clean_notice_html

STORAGE_PREFIX = "announcements"


def _checked(
    *, staff: Any, title: str, body: str, department: Any, publish_at: datetime, expire_at: datetime | None
) -> dict[str, Any]:
    if department.pk not in department_ids_in_scope(staff):
        raise ValidationError({"department": "只能以本部门或下级部门的名义发布"})
    if expire_at is not None and expire_at <= publish_at:
        raise ValidationError({"expire_at": "截止时间应晚于发布时间"})
    cleaned = clean_notice_html(body)
    if not cleaned:
        raise ValidationError({"body": "请填写正文"})
    return {
        "title": title.strip(),
        "body": cleaned,
        "department": department,
        "publish_at": publish_at,
        "expire_at": expire_at,
    }


def _check_count(*, kept: int, adding: int) -> None:
    limit = settings.KUAIJI_ANNOUNCEMENT_MAX_ATTACHMENTS
    if kept + adding > limit:
        raise ValidationError(
            {"attachments": f"每条通知最多 {limit} 个附件（已有 {kept} 个），请减少后再上传"}
        )


def _store_files(uploads: Sequence[CheckedUpload]) -> list[tuple[CheckedUpload, str]]:
    """Store each upload under a new private name; when the storage fails, delete those already stored and
    say so next to the field."""
    stored: list[tuple[CheckedUpload, str]] = []
    for upload in uploads:
        upload.handle.seek(0)
        try:
            name = save_private_file(upload.handle, prefix=STORAGE_PREFIX, extension=upload.extension)
        except ValidationError as error:
            for _upload, earlier in stored:
                delete_stored_file(earlier)
            raise ValidationError(
                {"attachments": f"“{upload.name}”：{FILE_STORAGE_UNAVAILABLE_MESSAGE}"},
                code="storage_unavailable",
            ) from error
        stored.append((upload, name))
    return stored


def _add_attachments(
    announcement: Announcement, stored: list[tuple[CheckedUpload, str]], *, staff: Any, request: Any
) -> None:
    for upload, name in stored:
        attachment = AnnouncementAttachment.objects.create(
            announcement=announcement,
            file=name,
            original_name=upload.name,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            created_by=staff,
        )
        record_event(
            action=AuditAction.ANNOUNCEMENT_ATTACHMENT_ADDED,
            actor=staff,
            target=announcement,
            request=request,
            details={
                "attachment": str(attachment.uuid),
                "name": attachment.original_name,
                "size": attachment.size,
                "sha256": attachment.sha256,
            },
        )


def publish_announcement(
    *,
    staff: Any,
    request: Any = None,
    attachments: Sequence[CheckedUpload] = (),
    **fields: Any,
) -> Announcement:
    """Publish a notice with its attachments (checked by ``files.check_upload``). Raises ValidationError
    (keyed by field) and then keeps nothing. The caller checked that ``staff`` is a department
    administrator; the department's scope is checked here."""
    checked = _checked(staff=staff, **fields)
    _check_count(kept=0, adding=len(attachments))
    stored = _store_files(attachments)
    try:
        with transaction.atomic():
            announcement = Announcement.objects.create(created_by=staff, **checked)
            record_event(
                action=AuditAction.ANNOUNCEMENT_PUBLISHED,
                actor=staff,
                target=announcement,
                request=request,
                details={"title": announcement.title, "department": announcement.department.name},
            )
            _add_attachments(announcement, stored, staff=staff, request=request)
    except BaseException:
        for _upload, name in stored:
            delete_stored_file(name)  # no file without its row
        raise
    return announcement


def update_announcement(
    announcement: Announcement,
    *,
    staff: Any,
    request: Any = None,
    attachments: Sequence[CheckedUpload] = (),
    remove_attachments: Sequence[Any] = (),
    **fields: Any,
) -> Announcement:
    """Change a notice: its fields, new attachments, and the attachments (by uuid) to take off. Raises
    ValidationError (keyed by field) and then changes nothing. The caller found ``announcement`` through
    ``selectors.managed_announcement``."""
    checked = _checked(staff=staff, **fields)
    removing = {str(value) for value in remove_attachments}
    existing = {str(value) for value in announcement.attachments.values_list("uuid", flat=True)}
    _check_count(kept=len(existing - removing), adding=len(attachments))
    stored = _store_files(attachments)
    try:
        with transaction.atomic():
            # Locked, so two editors cannot both add up to the limit.
            Announcement.objects.select_for_update().filter(pk=announcement.pk).first()
            removed = list(announcement.attachments.filter(uuid__in=removing))
            kept = announcement.attachments.count() - len(removed)
            _check_count(kept=kept, adding=len(stored))
            for name, value in checked.items():
                setattr(announcement, name, value)
            announcement.updated_at = timezone.now()
            announcement.save()
            record_event(
                action=AuditAction.ANNOUNCEMENT_UPDATED,
                actor=staff,
                target=announcement,
                request=request,
                details={"title": announcement.title},
            )
            for attachment in removed:
                _remove_attachment(announcement, attachment, staff=staff, request=request)
            _add_attachments(announcement, stored, staff=staff, request=request)
    except BaseException:
        for _upload, name in stored:
            delete_stored_file(name)
        raise
    return announcement


def _remove_attachment(
    announcement: Announcement, attachment: AnnouncementAttachment, *, staff: Any, request: Any
) -> None:
    name = attachment.file.name or ""
    attachment.delete()
    record_event(
        action=AuditAction.ANNOUNCEMENT_ATTACHMENT_REMOVED,
        actor=staff,
        target=announcement,
        request=request,
        details={"attachment": str(attachment.uuid), "name": attachment.original_name},
    )
    transaction.on_commit(lambda: delete_stored_file(name))


@transaction.atomic
def withdraw_announcement(announcement: Announcement, *, staff: Any, request: Any = None) -> None:
    Announcement.objects.filter(pk=announcement.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    record_event(
        action=AuditAction.ANNOUNCEMENT_WITHDRAWN,
        actor=staff,
        target=announcement,
        request=request,
        details={"title": announcement.title},
    )
