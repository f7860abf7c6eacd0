"""The statistics' summary tables (decision 0026): made the first time a dashboard is opened, replaced as a
whole, queued for the worker once they are older than ``KUAIJI_STATISTICS_MAX_AGE`` (and only once while
a refresh is on its way), never half-written; the months figure counts a transfer for the releasing
department too."""

from datetime import timedelta
from types import SimpleNamespace

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import pytest

from kuaiji.collection.constants import Status, SubmissionKind
from kuaiji.collection.models import Submission
from kuaiji.reporting import selectors, services, tasks
from kuaiji.reporting.models import PersonnelCount, StatisticsSnapshot

pytestmark = pytest.mark.django_db


def people_in(figures) -> int:
    return sum(count for _, count in next(f for f in figures if f.key == "department").rows)


def test_the_first_dashboard_counts_then_the_summary_is_read_until_it_is_old(
    make_record, reviewer_for, monkeypatch, settings
):
    queued = []
    monkeypatch.setattr(tasks, "refresh_statistics_task", SimpleNamespace(enqueue=lambda: queued.append(1)))
    make_record()
    county = reviewer_for("630102")
    assert not StatisticsSnapshot.objects.exists()

    page = county.get(reverse("reporting:dashboard")).content.decode()
    assert "统计截至" in page and "每 10 分钟更新" in page
    assert people_in(selectors.personnel_figures(county.staff)) == 1

    make_record()  # counted at the next refresh, not before
    county.get(reverse("reporting:dashboard"))
    assert people_in(selectors.personnel_figures(county.staff)) == 1 and not queued

    StatisticsSnapshot.objects.update(refreshed_at=timezone.now() - settings.KUAIJI_STATISTICS_MAX_AGE * 2)
    county.get(reverse("reporting:dashboard"))
    county.get(reverse("reporting:download"))
    assert queued == [1]  # once, however many pages ask meanwhile


def test_the_worker_task_counts_again_and_lets_the_next_old_summary_be_queued(make_record, reviewer_for):
    make_record()
    services.refresh_statistics()
    make_record()
    StatisticsSnapshot.objects.update(refreshed_at=timezone.now() - timedelta(hours=1))
    county = reviewer_for("630102")
    county.get(reverse("reporting:dashboard"))  # queues the task; the test backend runs it at once
    assert people_in(selectors.personnel_figures(county.staff)) == 2
    snapshot = StatisticsSnapshot.objects.get()
    assert timezone.now() - snapshot.refreshed_at < timedelta(minutes=1)
    assert services.cache.add(services.REFRESH_QUEUED_KEY, True, 60)  # the task released its mark


def test_a_refresh_that_fails_leaves_the_previous_counts_whole(make_record, monkeypatch):
    make_record()
    services.refresh_statistics()
    before = list(PersonnelCount.objects.values_list("dimension", "value", "n").order_by("pk"))
    refreshed_at = StatisticsSnapshot.objects.get().refreshed_at
    make_record()

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services.SubmissionCount.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        services.refresh_statistics()
    assert list(PersonnelCount.objects.values_list("dimension", "value", "n").order_by("pk")) == before
    assert StatisticsSnapshot.objects.get().refreshed_at == refreshed_at


def test_the_months_count_a_transfer_for_both_departments_once(departments, reviewer_for, make_record):
    submitted = timezone.now() - timedelta(days=1)
    applicant = make_record().person
    Submission.objects.create(
        applicant=applicant,
        kind=SubmissionKind.TRANSFER,
        status=Status.PENDING,
        department=departments["632801"],  # to 格尔木
        releasing_department=departments["630102"],  # from 城东区
        submitted_at=submitted,
        answers={},
    )
    Submission.objects.create(
        applicant=make_record().person, kind=SubmissionKind.INITIAL, status=Status.DRAFT, answers={}
    )  # drafts are never counted
    services.refresh_statistics()
    month = timezone.localtime(submitted).strftime("%Y-%m")
    transfer_column = 1 + list(SubmissionKind).index(SubmissionKind.TRANSFER)
    for code in ("630102", "632801", "630000"):
        rows = {
            row[0]: row[transfer_column] for row in selectors.submission_months(reviewer_for(code).staff).rows
        }
        assert rows[month] == 1, code
    assert (
        sum(row[transfer_column] for row in selectors.submission_months(reviewer_for("632200").staff).rows)
        == 0
    )


def test_the_command_refreshes_and_says_when(make_record, capsys):
    make_record()
    call_command("refresh_statistics")
    assert "统计已更新" in capsys.readouterr().out
    assert PersonnelCount.objects.filter(dimension="qualification").get().n == 1
    assert timezone.now() - StatisticsSnapshot.objects.get().refreshed_at < timedelta(minutes=1)
