from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kuaiji.regions.scope import department_ids_in_scope

from .models import Announcement, AnnouncementAttachment


def current_announcements(*, now: datetime | None = None) -> QuerySet[Announcement]:
    """What the public sees now: published, not withdrawn, not past its 截止时间 (the query itself drops an
    expired notice; nothing has to run for it to disappear), newest first."""
    now = now or timezone.now()
    return (
        Announcement.objects.filter(publish_at__lte=now, withdrawn_at__isnull=True)
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
        .select_related("department")
        .order_by("-publish_at", "-id")
    )


def public_announcement(announcement_uuid: Any) -> Announcement:
    found = current_announcements().filter(uuid=announcement_uuid).prefetch_related("attachments").first()
    if found is None:
        raise Http404("通知不存在或已过期")
    return found


def announcements_managed_by(staff: Any) -> QuerySet[Announcement]:
    """The notices of the staff member's department and those below, every state."""
    return Announcement.objects.filter(department__in=department_ids_in_scope(staff)).select_related(
        "department", "created_by"
    )


def managed_announcement(staff: Any, announcement_uuid: Any) -> Announcement:
    """The same 404 for a notice that does not exist and one outside the scope."""
    found = announcements_managed_by(staff).filter(uuid=announcement_uuid).first()
    if found is None:
        raise Http404("通知不存在")
    return found


def public_attachment(announcement_uuid: Any, attachment_uuid: Any) -> AnnouncementAttachment:
    """An attachment of a notice the public sees now: the same 404 for a missing attachment, one of another
    notice, and one of a notice that is withdrawn, expired or not yet published."""
    found = (
        AnnouncementAttachment.objects.filter(
            uuid=attachment_uuid,
            announcement__in=current_announcements().filter(uuid=announcement_uuid).values("pk"),
        )
        .only("file", "original_name")
        .first()
    )
    if found is None:
        raise Http404("附件不存在或通知已过期")
    return found


def managed_attachment(staff: Any, announcement_uuid: Any, attachment_uuid: Any) -> AnnouncementAttachment:
    """An attachment of a notice in the staff member's scope, in any state (to check before it shows)."""
    found = AnnouncementAttachment.objects.filter(
        uuid=attachment_uuid, announcement=managed_announcement(staff, announcement_uuid)
    ).first()
    if found is None:
        raise Http404("附件不存在")
    return found
