"""Stalled drafts: people who started and have not submitted after ``KUAIJI_STALLED_DRAFT_DAYS`` days, or
whose returned submission waits for them that long, are reminded once (in-site and SMS), never more
than once a week; departments see how many are stalled in their scope (超期未审核).

A draft counts for the management department its answers name; a returned one for the department that
returned it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from kuaiji.accounts.services.notices import notify
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event

from .constants import Status
from .models import Submission

#: Never two reminders to one submission within this.
REMIND_AT_MOST_EVERY = timedelta(days=7)


def stalled(now: datetime | None = None) -> QuerySet[Submission]:
    """Drafts untouched for the set number of days, and returns not acted on for as long."""
    now = now or timezone.now()
    before = now - timedelta(days=settings.KUAIJI_STALLED_DRAFT_DAYS)
    return Submission.objects.filter(
        Q(status=Status.DRAFT, updated_at__lt=before) | Q(status=Status.RETURNED, decided_at__lt=before)
    )


def due_for_reminder(now: datetime | None = None) -> QuerySet[Submission]:
    """Stalled, and not reminded since it last changed, nor within the week: one reminder a stall."""
    now = now or timezone.now()
    return stalled(now).filter(
        Q(reminded_at__isnull=True)
        | (Q(reminded_at__lt=now - REMIND_AT_MOST_EVERY) & Q(reminded_at__lt=F("updated_at")))
    )


def remind_stalled(*, now: datetime | None = None) -> int:
    """Remind each submission due for it (the daily job). Returns how many people were reminded."""
    now = now or timezone.now()
    reminded = 0
    for submission in due_for_reminder(now).select_related("applicant").iterator():
        with transaction.atomic():
            claimed = Submission.objects.filter(pk=submission.pk, reminded_at=submission.reminded_at).update(
                reminded_at=now
            )
            if not claimed:
                continue
            if submission.status == Status.RETURNED:
                text = "您的信息登记已被退回修改，请登录后按审核意见修改并重新提交。"
            else:
                text = "您的信息登记尚未提交，请登录后完成填写并提交审核。已填写的内容均已保存。"
            notify(user=submission.applicant, text=text, link=reverse("collection:overview"))
            record_event(
                action=AuditAction.DRAFT_REMINDED,
                target=submission,
                details={"status": submission.status},
            )
            reminded += 1
    return reminded


def stalled_by_department(*, department_ids: Iterable[int], now: datetime | None = None) -> dict[int, int]:
    """How many stalled submissions each department in ``department_ids`` has: drafts by the management
    department their answers name, returns by the department that returned them. Two queries."""
    ids = list(department_ids)
    counts: dict[int, int] = {}
    base = stalled(now)
    for pk in base.filter(status=Status.RETURNED, department__in=ids).values_list("department_id", flat=True):
        counts[pk] = counts.get(pk, 0) + 1
    named = base.filter(
        status=Status.DRAFT, answers__employer__management_department__in=[str(pk) for pk in ids]
    ).values_list("answers__employer__management_department", flat=True)
    for value in named:
        pk = int(value)
        counts[pk] = counts.get(pk, 0) + 1
    return counts
