"""The capped count of the staff lists: exact up to the cap, the cap beyond it (and no page past it), the
count read with ``LIMIT cap + 1``, and the Chinese text the pages show."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from kuaiji.core.pagination import (
    CappedPaginator,
    capped_page,
    capped_values_page,
    count_details,
    count_label,
)
from kuaiji.regions.models import Division

pytestmark = pytest.mark.django_db


def test_small_results_keep_their_exact_count():
    paginator = CappedPaginator(list(range(123)), 50, cap=1000)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (123, False, 3)
    assert count_label(paginator) == "共 123 条"
    assert count_details(paginator) == {"count": 123}


def test_past_the_cap_the_count_stops_and_no_page_lies_beyond_it():
    paginator = CappedPaginator(list(range(10_500)), 50, cap=10_000)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (10_000, True, 200)
    assert paginator.get_page(250).number == 200  # the nearest page, never an error
    assert count_label(paginator) == "超过 10,000 条，请缩小范围"
    assert count_details(paginator) == {"count": 10_000, "capped": True}


def test_exactly_the_cap_is_not_capped():
    paginator = CappedPaginator(list(range(100)), 50, cap=100)
    assert (paginator.count, paginator.capped) == (100, False)


def test_a_queryset_is_counted_with_a_limit():
    divisions = Division.objects.filter(code__startswith="63")
    assert divisions.count() > 20
    paginator = CappedPaginator(divisions.values_list("pk", flat=True), 10, cap=20)
    with CaptureQueriesContext(connection) as captured:
        assert (paginator.count, paginator.capped) == (20, True)
    (query,) = captured.captured_queries
    assert "COUNT(" in query["sql"] and "LIMIT 21" in query["sql"]


@pytest.mark.parametrize("per_page", [100, 7])
def test_a_page_read_as_values_is_the_page_read_as_models(per_page):
    """In one read (everything on one page) or by the page's ids: the same rows in the same order, made by
    ``make`` from the values of ``fields``, in as many queries as ``capped_page``."""
    divisions = Division.objects.filter(code__startswith="6301").order_by("-code")
    assert 7 < divisions.count() <= 100
    with CaptureQueriesContext(connection) as as_models:
        models = capped_page(divisions, 2, per_page=per_page, shape=lambda rows: rows.only("name", "parent"))
    with CaptureQueriesContext(connection) as as_values:
        values = capped_values_page(
            divisions, 2, per_page=per_page, fields=("name", "parent__name"), make=lambda row: row
        )
    expected = [(division.name, division.parent.name if division.parent else None) for division in models]
    count = divisions.count()
    # Page 2: with 100 a page there is only one, which is given instead.
    assert list(values) == expected and len(expected) == (
        count if per_page > count else min(per_page, count - per_page)
    )
    assert (values.number, values.paginator.count) == (models.number, models.paginator.count)
    assert len(as_values.captured_queries) == len(as_models.captured_queries)
