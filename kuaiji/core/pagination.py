"""Paging long staff lists at the cost of one page: a count that stops at ``COUNT_CAP`` rows, and the page's
ids read first so that the rows themselves are fetched for that page only.

At a million people an exact ``COUNT(*)`` of a province's name search reads every match (60 of the page's
108 ms in the review benchmark); nobody pages through more than 10,000 rows, so past the cap the page says
"超过 10,000 条" and asks to narrow the filters. Small results keep their exact count.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.utils.functional import cached_property

COUNT_CAP: int = getattr(settings, "KUAIJI_LIST_COUNT_CAP", 10_000)
M = TypeVar("M", bound=Model)
R = TypeVar("R")


class CappedPaginator(Paginator):
    """A paginator whose ``count`` is exact up to ``cap`` rows and ``cap`` beyond (``capped`` says which);
    pages past the cap are not offered (``get_page`` gives the last one offered)."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def _capped_count(self) -> tuple[int, bool]:
        object_list = self.object_list
        if isinstance(object_list, QuerySet):
            # SELECT COUNT(*) FROM (SELECT … LIMIT cap + 1): stops reading after cap + 1 rows.
            found = object_list.order_by()[: self.cap + 1].count()
        else:
            found = len(object_list)
        return min(found, self.cap), found > self.cap

    @cached_property
    def count(self) -> int:
        return self._capped_count[0]

    @cached_property
    def capped(self) -> bool:
        """Whether there are more rows than ``count`` (the count stopped at the cap)."""
        return self._capped_count[1]


def count_label(paginator: Paginator) -> str:
    """ "共 123 条", or past the cap "超过 10,000 条，请缩小范围" (the text the list pages show)."""
    if getattr(paginator, "capped", False):
        return f"超过 {paginator.count:,} 条，请缩小范围"
    return f"共 {paginator.count} 条"


def count_details(paginator: Paginator) -> dict[str, Any]:
    """The count for an audit entry: ``{"count": n}``, with ``"capped": True`` when it stopped at the cap."""
    return {"count": paginator.count, **({"capped": True} if getattr(paginator, "capped", False) else {})}


def _capped_page(
    matching: QuerySet[Any],
    number: Any,
    *,
    per_page: int,
    cap: int | None,
    read_all: Callable[[int], list[R]],
    read_by_pk: Callable[[Sequence[Any]], Mapping[Any, R]],
) -> Page[R]:
    """The paging both readers share; they differ only in how a page's rows are read: ``read_all(count)``
    the first ``count`` rows of ``matching`` in its order, ``read_by_pk(ids)`` those rows keyed by pk."""
    paginator = CappedPaginator(matching.values_list("pk", flat=True), per_page, cap=cap)
    page = paginator.get_page(number)
    if paginator.num_pages == 1:
        page.object_list = read_all(paginator.count)  # count <= per_page here
        return page
    ids: Sequence[Any] = list(page.object_list)
    by_pk = read_by_pk(ids) if ids else {}
    # A row deleted between the two reads is left out rather than failing the page.
    page.object_list = [by_pk[pk] for pk in ids if pk in by_pk]
    return page


def capped_page(
    matching: QuerySet[M],
    number: Any,
    *,
    per_page: int,
    shape: Callable[[QuerySet[M]], QuerySet[M]],
    cap: int | None = None,
) -> Page[M]:
    """One page of ``matching`` (ordered; an invalid or too-large page number gives the nearest page),
    its rows read through ``shape`` (``select_related`` / ``only`` what a row shows).

    The count stops at the cap. When everything fits on one page the rows are read at once (the count
    and one query); otherwise the page's ids first, read on the ordering's index alone, and then those
    rows by primary key, so the rows skipped by the offset are never fetched with their columns."""
    return _capped_page(
        matching,
        number,
        per_page=per_page,
        cap=cap,
        read_all=lambda count: list(shape(matching)[:count]),
        # No ORDER BY: the page's order is the ids' (the model's default ordering would sort them again).
        read_by_pk=lambda ids: shape(matching.model._default_manager.order_by()).in_bulk(ids),
    )


def capped_values_page(
    matching: QuerySet[Any],
    number: Any,
    *,
    per_page: int,
    fields: Sequence[str],
    make: Callable[[tuple[Any, ...]], R],
    cap: int | None = None,
) -> Page[R]:
    """``capped_page`` for a list that shows plain values: each row read as ``values_list(*fields)`` and
    turned into a row by ``make`` (given the values in ``fields``' order), so no model instance (nor one
    per ``select_related`` relation) is built for it. The same queries as ``capped_page``."""
    model = matching.model

    def read_all(count: int) -> list[R]:
        return [make(values) for values in matching.values_list(*fields)[:count]]

    def read_by_pk(ids: Sequence[Any]) -> dict[Any, R]:
        # No ORDER BY, as in capped_page; the pk first to put the rows back in the ids' order.
        rows = model._default_manager.order_by().filter(pk__in=ids).values_list("pk", *fields)
        return {values[0]: make(values[1:]) for values in rows}

    return _capped_page(
        matching, number, per_page=per_page, cap=cap, read_all=read_all, read_by_pk=read_by_pk
    )
