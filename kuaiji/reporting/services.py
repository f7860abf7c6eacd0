"""Refreshing the statistics' summary tables (decision 0026): all of them at once, in one transaction, so
a dashboard reads either the old counts or the new ones, never half of each."""

import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kuaiji.archive.models import ArchiveRecord
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Submission

from .dimensions import PERSONNEL_DIMENSIONS
from .models import PersonnelCount, StatisticsSnapshot, SubmissionCount

SNAPSHOT_PK = 1
REFRESH_QUEUED_KEY = "reporting:refresh-queued"


def _personnel_counts() -> list[PersonnelCount]:
    counts = []
    for dimension, expression in PERSONNEL_DIMENSIONS.items():
        rows = (
            ArchiveRecord.objects.annotate(value=expression)
            .values_list("department_id", "value")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts += [
            PersonnelCount(department_id=department, dimension=dimension, value=value or "", n=n)
            for department, value, n in rows
        ]
    return counts


def _submission_counts() -> list[SubmissionCount]:
    rows = (
        Submission.objects.exclude(status=Status.DRAFT)
        .filter(submitted_at__isnull=False)
        .annotate(month=TruncMonth("submitted_at"))  # in the current time zone: Beijing time
        .values_list("department_id", "releasing_department_id", "month", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        SubmissionCount(
            department_id=department,
            releasing_department_id=releasing,
            month=(timezone.localtime(month) if timezone.is_aware(month) else month).date(),
            kind=kind,
            n=n,
        )
        for department, releasing, month, kind, n in rows
    ]


def refresh_statistics() -> StatisticsSnapshot:
    """Count everything again and replace the summary tables. Refreshes are serialised on the snapshot
    row: a second one waits for the first and then counts again."""
    started = time.perf_counter()
    with transaction.atomic():
        snapshot = _locked_snapshot()
        personnel, submissions = _personnel_counts(), _submission_counts()
        PersonnelCount.objects.all().delete()
        SubmissionCount.objects.all().delete()
        PersonnelCount.objects.bulk_create(personnel, batch_size=2000)
        SubmissionCount.objects.bulk_create(submissions, batch_size=2000)
        snapshot.refreshed_at = timezone.now()
        snapshot.seconds = round(time.perf_counter() - started, 3)
        snapshot.save()
    return snapshot


def _locked_snapshot() -> StatisticsSnapshot:
    defaults = {"refreshed_at": timezone.now(), "seconds": 0}
    try:
        with transaction.atomic():
            snapshot, _ = StatisticsSnapshot.objects.select_for_update().get_or_create(
                pk=SNAPSHOT_PK, defaults=defaults
            )
    except IntegrityError:  # a first refresh made it meanwhile: wait for that one
        snapshot = StatisticsSnapshot.objects.select_for_update().get(pk=SNAPSHOT_PK)
    return snapshot


def fresh_snapshot() -> StatisticsSnapshot:
    """The snapshot the dashboard shows. The first time ever it is made at once; once it is older than
    ``KUAIJI_STATISTICS_MAX_AGE`` a refresh is queued for the worker (once, whoever asks meanwhile) and
    the page shows the counts it has, with their time."""
    snapshot = StatisticsSnapshot.objects.filter(pk=SNAPSHOT_PK).first()
    if snapshot is None:
        return refresh_statistics()
    max_age: timedelta = settings.KUAIJI_STATISTICS_MAX_AGE
    if timezone.now() - snapshot.refreshed_at > max_age and cache.add(
        REFRESH_QUEUED_KEY, True, int(max_age.total_seconds())
    ):
        from .tasks import refresh_statistics_task

        transaction.on_commit(refresh_statistics_task.enqueue)
    return snapshot
