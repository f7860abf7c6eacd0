"""What a queue page costs: a handful of queries and cache reads whatever the number of rows, on the page
and through the staff API (both call ``selectors.review_queue``)."""

from datetime import date, timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

import pytest

from kuaiji.accounts.tests.factories import ApplicantFactory
from kuaiji.api.tests.test_staff_api import QUEUE, Api
from kuaiji.audit.models import AuditEvent
from kuaiji.calendar.constants import DayKind
from kuaiji.calendar.models import SpecialDay
from kuaiji.collection.constants import Status, SubmissionKind
from kuaiji.collection.models import Submission
from kuaiji.review import selectors

pytestmark = pytest.mark.django_db

ROWS = 30
# The page: the user with their roles (one statement), the OTP device, the scope (one recursive read), the
# capped count, the page's ids, the page's rows, the audit row; one query fewer when all rows fit on one
# page. The API: the token with its user and roles instead of the first two. Nothing per row; the
# calendar comes from the cache.
QUEUE_PAGE_QUERIES = 7
QUEUE_API_QUERIES = 6
CACHE_CALLS = 2


def pending_submissions(departments, *, count=ROWS, code="630102"):
    """``count`` pending first collections of generated applicants, submitted over the past weeks (some
    overdue, some due soon), written directly: the queue reads only the row and the applicant."""
    now = timezone.now()
    rows = []
    for number in range(count):
        applicant = ApplicantFactory()
        submitted_at = now - timedelta(days=number, hours=number)
        rows.append(
            Submission(
                applicant=applicant,
                kind=SubmissionKind.INITIAL,
                status=Status.PENDING,
                department=departments[code],
                submitted_at=submitted_at,
                due_on=timezone.localdate(submitted_at) + timedelta(days=14),
                answers={"personal": {"full_name": applicant.full_name}},
            )
        )
    return Submission.objects.bulk_create(rows)


@pytest.fixture
def holidays(db):
    """A statutory holiday and a make-up working day in each year the rows span."""
    today = timezone.localdate()
    for year in {today.year - 1, today.year}:
        SpecialDay.objects.update_or_create(
            date=date(year, 10, 1), defaults={"kind": DayKind.HOLIDAY, "name": "国庆节"}
        )
        SpecialDay.objects.update_or_create(
            date=date(year, 10, 11), defaults={"kind": DayKind.WORKDAY, "name": "国庆节"}
        )


class CacheCalls:
    """Counts the reads and writes a request makes on the default cache."""

    METHODS = ("get", "get_many", "set", "set_many", "add", "delete", "delete_many", "incr", "has_key")

    def __init__(self, monkeypatch):
        self.calls: list[str] = []
        self._inside = 0
        for name in self.METHODS:
            original = getattr(cache, name)
            monkeypatch.setattr(cache, name, self._spy(name, original))

    def _spy(self, name, original):
        def call(*args, **kwargs):
            if not self._inside:  # locmem's get_many calls get: count the round trip, not its parts
                self.calls.append(f"{name} {args[0] if args else ''}")
            self._inside += 1
            try:
                return original(*args, **kwargs)
            finally:
                self._inside -= 1

        return call


# 50 a page: all 30 rows read at once; 10 a page: the page's ids first, then those rows.
PAGE_SIZES = pytest.mark.parametrize("page_size", [50, 10])


@PAGE_SIZES
def test_the_queue_page_costs_a_handful_of_queries(
    departments, holidays, reviewer_for, django_assert_max_num_queries, monkeypatch, page_size
):
    monkeypatch.setattr(selectors, "PAGE_SIZE", page_size)
    pending_submissions(departments)
    reviewer = reviewer_for("630102")
    reviewer.get(reverse("review:queue"))  # steady state: the working-day calendar is in the cache
    with django_assert_max_num_queries(QUEUE_PAGE_QUERIES - (page_size > ROWS)) as captured:
        response = reviewer.get(reverse("review:queue"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(ROWS, page_size)
    assert not any('"answers"' in query["sql"] for query in captured.captured_queries)
    assert (
        AuditEvent.objects.filter(action="staff.viewed_queue", actor=reviewer.staff).count() == 2
    )  # 1 a page


@PAGE_SIZES
def test_the_queue_api_costs_a_handful_of_queries(
    departments, holidays, reviewer_for, django_assert_max_num_queries, monkeypatch, page_size
):
    monkeypatch.setattr(selectors, "PAGE_SIZE", page_size)
    pending_submissions(departments)
    api = Api(reviewer_for("630102").staff)
    api.get(QUEUE)  # steady state: the calendar in the cache, the token's last use just recorded
    with django_assert_max_num_queries(QUEUE_API_QUERIES - (page_size > ROWS)):
        response = api.get(QUEUE, {"status": "pending", "page": 2})
    assert response.status_code == 200
    assert len(response.json()["items"]) == min(ROWS, page_size)
    assert response.json()["count"] == ROWS


def test_the_queue_page_reads_the_cache_a_bounded_number_of_times(
    departments, holidays, reviewer_for, monkeypatch
):
    pending_submissions(departments)
    reviewer = reviewer_for("630102")
    reviewer.get(reverse("review:queue"))  # the working-day calendar is loaded once
    calls = CacheCalls(monkeypatch)
    response = reviewer.get(reverse("review:queue"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == ROWS
    assert len(calls.calls) <= CACHE_CALLS, calls.calls


def test_past_the_cap_the_queue_says_so_and_pages_stop_there(departments, reviewer_for, monkeypatch):
    from kuaiji.core import pagination

    assert pagination.COUNT_CAP == 10_000
    monkeypatch.setattr(pagination, "COUNT_CAP", 20)  # 30 rows: past the cap
    pending_submissions(departments)
    reviewer = reviewer_for("630102")
    response = reviewer.get(reverse("review:queue"), {"page": 9})
    assert "超过 20 条，请缩小范围。按审核截止日期排序。" in response.content.decode()
    page = response.context["page"]
    assert (page.paginator.count, page.paginator.num_pages, page.number) == (20, 1, 1)
    assert len(response.context["rows"]) == 20

    body = Api(reviewer.staff).get(QUEUE, {"status": "pending", "page": 3}).json()
    assert (body["count"], body["capped"], body["page"], body["pages"]) == (20, True, 1, 1)


def test_waiting_and_due_badges_follow_the_working_days(departments, reviewer_for):
    """The page's numbers from one calendar table agree with the calendar's own walk."""
    from kuaiji.calendar.selectors import working_days_between
    from kuaiji.review.selectors import DUE_SOON_WORKING_DAYS

    made = pending_submissions(departments)
    reviewer = reviewer_for("630102")
    rows = {row.item.uuid: row for row in reviewer.get(reverse("review:queue")).context["rows"]}
    today = timezone.localdate()
    assert len(rows) == ROWS
    for submission in made:
        row = rows[submission.uuid]
        submitted_on = timezone.localtime(submission.submitted_at).date()
        assert row.waited == working_days_between(start=submitted_on, end=today)
        assert row.overdue == (submission.due_on < today)
        assert row.due_soon == (
            submission.due_on >= today
            and working_days_between(start=today, end=submission.due_on) <= DUE_SOON_WORKING_DAYS
        )
    assert any(row.overdue for row in rows.values()) and any(not row.overdue for row in rows.values())
