"""Reads over divisions and departments.

Placeholders (市辖区, 县, 省直辖县级行政单位 …) are skipped when divisions are *shown*: their children are
listed one level up, under the province, as the province itself administers them (北京市 → 东城区;
海南省 → 五指山市). They remain in the parent chain, which ``department_covering`` follows.
"""

from functools import cache
from typing import NamedTuple, overload

from django.core.cache import caches
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from kuaiji.core.statements import columns, instances

from .constants import DepartmentLevel, DivisionLevel
from .models import Department, Division

# Per process (settings.CACHES): what it holds may be up to the cache seconds below old.
reference_cache = caches["reference"]


def _shown_children_of(parent: Division | str | OuterRef) -> Q:
    """Divisions listed under ``parent``: its own children and those of its placeholder children."""
    return Q(parent=parent) | Q(parent__parent=parent, parent__is_placeholder=True)


def _in_force_and_shown() -> QuerySet[Division]:
    return Division.objects.filter(valid_until__isnull=True, is_placeholder=False)


def divisions_in_force(*, parent_code: str | None) -> QuerySet[Division]:
    """The divisions an address picker offers under ``parent_code`` (the provinces when None).

    Only codes in force and never placeholders; the children of a placeholder are lifted to the
    placeholder's parent, so province-administered counties (Hainan's 4690xx, Hubei's 4290xx) and the
    districts of the municipalities (1101xx) appear under their province. Each row is annotated with
    ``has_children`` so a picker knows where to stop (东莞市, 嘉峪关市 have none and are selectable).
    An unknown ``parent_code`` gives an empty queryset. Ordered by code.
    """
    if parent_code is None:
        queryset = _in_force_and_shown().filter(level=DivisionLevel.PROVINCE)
    else:
        queryset = _in_force_and_shown().filter(_shown_children_of(parent_code))
    return queryset.annotate(
        has_children=Exists(_in_force_and_shown().filter(_shown_children_of(OuterRef("code"))))
    ).order_by("code")


def selectable_division(code: str) -> tuple[Division | None, bool]:
    """The division in force with ``code`` (None if there is none) and whether it has divisions in force
    under it (a picker must go on to them), in one indexed query: the children are found by ``parent_id``
    equal to the code or to one of its placeholder children, which PostgreSQL answers from the
    ``parent_id`` index (the join-with-OR that ``divisions_in_force`` needs for listing scans the table)."""
    placeholders = Division.objects.filter(parent_id=code, is_placeholder=True).values("code")
    children = _in_force_and_shown().filter(Q(parent_id=OuterRef("code")) | Q(parent_id__in=placeholders))
    division = (
        Division.objects.filter(code=code, valid_until__isnull=True)
        .annotate(has_children=Exists(children))
        .first()
    )
    if division is None:
        return None, False
    return division, bool(division.has_children)  # the annotation above (django-stubs knows it)


# What is in force and what lies under it changes only when the division table is loaded again
# (`load_divisions`, after an upgrade of python-stdnum); every wizard page and save asks, so the answers
# are kept in the cache for a while instead of being asked of the database each time.
DIVISION_CACHE_SECONDS = 600


def choosable_division(code: str) -> tuple[bool, bool]:
    """(in force, has divisions under it) for ``code``, as ``selectable_division`` answers, cached.
    What is not a 6-digit code is no division (and never becomes a cache key)."""
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return False, False
    key = f"division-choosable:{code}"
    cached: tuple[bool, bool] | None = reference_cache.get(key)
    if cached is None:
        division, has_children = selectable_division(code)
        cached = (division is not None, has_children)
        reference_cache.set(key, cached, DIVISION_CACHE_SECONDS)
    return cached


DEPARTMENT_CACHE_SECONDS = DIVISION_CACHE_SECONDS


def department_by_pk(pk: int) -> Department | None:
    """A department's row, kept in the cache for a while: the applicant's hot reads name the department
    of their submission on every request, and departments are edited a few times a year (a renamed
    department shows its new name within ``DEPARTMENT_CACHE_SECONDS``)."""
    key = f"department:{pk}"
    department: Department | None = reference_cache.get(key)
    if department is None:
        department = Department.objects.filter(pk=pk).first()
        if department is not None:
            reference_cache.set(key, department, DEPARTMENT_CACHE_SECONDS)
    return department


class DivisionOption(NamedTuple):
    code: str
    name: str
    has_children: bool


def division_options(parent_code: str | None) -> list[DivisionOption]:
    """What a picker lists under ``parent_code`` (``divisions_in_force``), cached."""
    key = f"division-options:{parent_code or 'top'}"
    cached: list[DivisionOption] | None = reference_cache.get(key)
    if cached is None:
        cached = [
            DivisionOption(division.code, division.name, bool(division.has_children))  # type: ignore[attr-defined]  # annotated
            for division in divisions_in_force(parent_code=parent_code).only("code", "name")
        ]
        reference_cache.set(key, cached, DIVISION_CACHE_SECONDS)
    return cached


def division_path(code: str, *, include_placeholders: bool = False) -> list[Division]:
    """The chain province → prefecture → county ending at ``code`` ([] when the code is unknown).

    Placeholders are left out unless asked for, so the path reads as an address: 北京市 → 东城区, not
    北京市 → 市辖区 → 东城区. One query (the chain is at most three deep).
    """
    division = Division.objects.select_related("parent__parent").filter(code=code).first()
    path: list[Division] = []
    node = division
    while node is not None:
        if include_placeholders or not node.is_placeholder:
            path.append(node)
        node = node.parent
    path.reverse()
    return path


def department_covering(division_code: str) -> Department | None:
    """The active department nearest above ``division_code``: its own, else its prefecture's, else its
    province's — following the Division parent chain (placeholders included), not code prefixes.

    Works for abolished codes too (old records keep them). None when the code is unknown or no active
    department covers any division of its chain. Two queries.
    """
    division = Division.objects.select_related("parent__parent").filter(code=division_code).first()
    chain: list[str] = []
    node = division
    while node is not None:
        chain.append(node.code)
        node = node.parent
    if not chain:
        return None
    departments = {
        department.division_id: department
        for department in Department.objects.filter(division_id__in=chain, is_active=True)
    }
    return next((departments[code] for code in chain if code in departments), None)


def department_tree_below(department_id: int) -> list[Department]:
    """The department with ``department_id`` and every department under it by parent links, active or
    not, ordered by division code: one recursive query whatever the depth (``UNION``, not ``UNION ALL``,
    so a cycle in the parent links ends)."""
    return instances(Department, _tree_below_sql(), [department_id])


@cache
def _tree_below_sql() -> str:
    # The table name is the model's, never input; the id is a parameter.
    table = connection.ops.quote_name(Department._meta.db_table)
    return (
        f"WITH RECURSIVE below(id) AS ("
        f" SELECT id FROM {table} WHERE id = %s"
        f" UNION SELECT child.id FROM {table} child JOIN below ON child.parent_id = below.id"
        f") SELECT {columns(Department, table)} FROM {table} WHERE id IN (SELECT id FROM below)"
        f" ORDER BY division_id, name"
    )


def departments_below(department: Department) -> QuerySet[Department]:
    """``department`` and every department under it by parent links, active or not (the tree read in one
    query by ``department_tree_below``, then the returned queryset)."""
    return Department.objects.filter(pk__in=[below.pk for below in department_tree_below(department.pk)])


@overload
def provincial_department(of: Department) -> Department: ...
@overload
def provincial_department(of: None = None) -> Department | None: ...
def provincial_department(of: Department | None = None) -> Department | None:
    """The provincial finance department: the one above ``of`` (itself when it is provincial or the top of
    its tree), or — with no department to start from — the platform's top department. The one definition
    that routing (a first collection is reviewed by the province), appeals (a number without a region) and
    the audit log (auditors of the province read it) use."""
    if of is None:
        return Department.objects.filter(parent__isnull=True, is_active=True).order_by("pk").first()
    node = of
    while node.parent_id is not None and node.level != DepartmentLevel.PROVINCE:
        assert node.parent is not None  # parent_id is set
        node = node.parent
    return node
