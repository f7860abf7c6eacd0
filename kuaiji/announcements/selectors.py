from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kuaiji.regions.scope import department_ids_in_scope

from .models import Announcement


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
    found = current_announcements().filter(uuid=announcement_uuid).first()
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
