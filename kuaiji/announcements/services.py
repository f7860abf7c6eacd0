"""Publishing, changing and withdrawing notices (通知公告); every step audited, the body sanitised."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.regions.scope import department_ids_in_scope

from .models import Announcement
from .sanitising import clean_notice_html


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


@transaction.atomic
def publish_announcement(*, staff: Any, request: Any = None, **fields: Any) -> Announcement:
    announcement = Announcement.objects.create(created_by=staff, **_checked(staff=staff, **fields))
    record_event(
        action=AuditAction.ANNOUNCEMENT_PUBLISHED,
        actor=staff,
        target=announcement,
        request=request,
        details={"title": announcement.title, "department": announcement.department.name},
    )
    return announcement


@transaction.atomic
def update_announcement(
    announcement: Announcement, *, staff: Any, request: Any = None, **fields: Any
) -> Announcement:
    for name, value in _checked(staff=staff, **fields).items():
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
    return announcement


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
