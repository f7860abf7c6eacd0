"""What an archive search costs: a handful of queries whatever the number of rows, on the page and through
the staff API, without reading a version's answers; past the archive's ``COUNT_CAP`` (2,000) matches the count
stops and the page says so."""

from django.urls import reverse

import pytest

from kuaiji.api.tests.test_staff_api import ARCHIVE, Api
from kuaiji.archive import selectors
from kuaiji.archive.models import ArchiveRecord, ArchiveVersion
from kuaiji.audit.models import AuditEvent
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.review.tests.conftest import reviewer_for  # noqa: F401

pytestmark = pytest.mark.django_db

ROWS = 30
# The page: the user with their roles, the OTP device, the scope (one recursive read, which the filter
# form's department list also shows), the capped count, the page's ids, the page's rows (with department
# and version number), the audit row; one query fewer when all rows fit on one page. The API: the token
# with its user instead of the first two.
SEARCH_PAGE_QUERIES = 7
SEARCH_API_QUERIES = 6


@pytest.fixture
def records(make_record, departments):
    """``ROWS`` records of 城东区, each with a current version whose answers are large."""
    approved = SubmissionFactory.create(approved=True)
    version = ArchiveVersion.objects.get(revision__submission=approved)
    made = []
    for number in range(ROWS):
        record = make_record(full_name=f"王{'一二三四五六七八九十'[number % 10]}{number}")
        record.current_version = version
        record.save(update_fields=["current_version"])
        made.append(record)
    return made


# 50 a page: all 30 rows read at once; 10 a page: the page's ids first, then those rows.
PAGE_SIZES = pytest.mark.parametrize("page_size", [50, 10])


@PAGE_SIZES
def test_the_search_page_costs_a_handful_of_queries(
    records,
    reviewer_for,  # noqa: F811
    django_assert_max_num_queries,
    monkeypatch,
    page_size,
):
    monkeypatch.setattr(selectors, "PAGE_SIZE", page_size)
    reviewer = reviewer_for("630102")
    reviewer.get(reverse("archive:search"))
    with django_assert_max_num_queries(SEARCH_PAGE_QUERIES - (page_size > ROWS)) as captured:
        response = reviewer.get(reverse("archive:search"), {"name": "王", "page": 2})
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(ROWS, page_size)
    assert "共 30 条" in response.content.decode()
    assert not any('"answers"' in query["sql"] for query in captured.captured_queries)
    event = AuditEvent.objects.filter(action="archive.searched", actor=reviewer.staff).latest("id")
    assert event.details["count"] == ROWS and "capped" not in event.details


@PAGE_SIZES
def test_the_search_api_costs_a_handful_of_queries(
    records,
    reviewer_for,  # noqa: F811
    django_assert_max_num_queries,
    monkeypatch,
    page_size,
):
    monkeypatch.setattr(selectors, "PAGE_SIZE", page_size)
    api = Api(reviewer_for("630102").staff)
    api.get(ARCHIVE)  # steady state: the token's last use just recorded
    with django_assert_max_num_queries(SEARCH_API_QUERIES - (page_size > ROWS)) as captured:
        response = api.get(ARCHIVE, {"name": "王", "page": 2})
    assert response.status_code == 200
    body = response.json()
    assert len(body["items"]) == min(ROWS, page_size) and body["count"] == ROWS and body["capped"] is False
    assert not any('"answers"' in query["sql"] for query in captured.captured_queries)


def test_past_the_cap_the_count_stops_and_the_page_says_so(records, reviewer_for, monkeypatch):  # noqa: F811
    assert selectors.COUNT_CAP == 2_000
    monkeypatch.setattr(selectors, "COUNT_CAP", 20)  # 30 rows: past the cap
    reviewer = reviewer_for("630102")
    response = reviewer.get(reverse("archive:search"), {"name": "王"})
    assert "超过 20 条，请缩小范围" in response.content.decode()
    page = response.context["page"]
    assert page.paginator.count == 20 and page.paginator.num_pages == 1  # no page beyond the cap
    assert AuditEvent.objects.filter(action="archive.searched").latest("id").details["capped"] is True

    api = Api(reviewer.staff)
    body = api.get(ARCHIVE, {"name": "王", "page": 5}).json()
    assert (body["count"], body["capped"], body["page"], body["pages"]) == (20, True, 1, 1)
    assert len(body["items"]) == 20
    assert ArchiveRecord.objects.count() >= ROWS


def test_the_search_reads_its_page_through_the_replica_when_there_is_one(records, monkeypatch):
    """Every query of a search page is evaluated inside ``using_replica`` (the router sends them to the
    replica when ``DATABASE_REPLICA_URL`` is set; ``core/tests/test_production_shape.py`` tests the router)."""
    from contextlib import contextmanager

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    inside: list[int] = []

    @contextmanager
    def recording_replica():
        with CaptureQueriesContext(connection) as captured:
            yield
        inside.append(len(captured.captured_queries))

    monkeypatch.setattr(selectors, "using_replica", recording_replica)
    page = selectors.search_page(ArchiveRecord.objects.order_by("-updated_at", "id"), 1)
    assert len(page.object_list) == ArchiveRecord.objects.count()  # the records and the approved one
    assert inside and inside[0] >= 2  # the count and the rows, all inside
