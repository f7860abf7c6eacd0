from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kuaiji.regions.models import Department
from kuaiji.regions.scope import department_ids_in_scope
from kuaiji.regions.selectors import department_tree_below, provincial_department

from .models import Announcement, AnnouncementAttachment


def current_announcements(
    *, now: datetime | None = None, province: Department | None = None
) -> QuerySet[Announcement]:
    """What the public sees now: published, not withdrawn, not past its 截止时间 (the query itself drops an
    expired notice; nothing has to run for it to disappear), newest first; with ``province``, only the
    notices of that provincial department and those below it."""
    now = now or timezone.now()
    announcements = Announcement.objects.all()
    if province is not None:
        announcements = announcements.filter(
            department__in=[department.pk for department in department_tree_below(province.pk)]
        )
    return (
        announcements.filter(publish_at__lte=now, withdrawn_at__isnull=True)
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
        .select_related("department")
        .order_by("-publish_at", "-id")
    )


def provinces() -> list[Department]:
    """The provincial departments a visitor may choose notices by (the tops of the department trees)."""
    return list(Department.objects.filter(parent__isnull=True, is_active=True).order_by("division_id"))


def visitor_province(*, code: str, user: Any, choices: list[Department]) -> Department | None:
    """The province whose notices a visitor sees: the one chosen (a division code among ``choices``); else,
    for a signed-in person, the province above their department (staff) or their latest submission's;
    else none (all). With a single province there is nothing to choose."""
    if len(choices) < 2:
        return None
    chosen = next((province for province in choices if province.division_id == code), None)
    if chosen is not None or code:
        return chosen
    department = _department_of(user)
    return provincial_department(department) if department is not None else None


def _department_of(user: Any) -> Department | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_staff_member:
        department: Department | None = user.department
        return department
    from kuaiji.collection.services import latest_submission

    submission = latest_submission(user)
    return submission.department if submission is not None else None


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
