"""The statistics dashboard (统计分析): a few aggregate queries over what the staff member may see.

Personnel: the archive records in scope, by department, qualification, education, accounting post, unit
nature, sex and age band (sex and birth year read from the GB 11643 number in SQL; other documents count
as 未知; the post and the unit nature are the record's copies of those answers, decision 0025). Collections:
submissions in scope per month and kind. Review: what is pending now, and for the decisions of the last
``REVIEW_DAYS`` days the median and 95th-percentile review time in working days (submitted → decided) and
the share decided by the due date, per department and per reviewer.
"""

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from kuaiji.calendar.selectors import WorkingDayTable
from kuaiji.collection.constants import (
    AccountingPost,
    EducationLevel,
    EmployerNature,
    QualificationLevel,
    Status,
    SubmissionKind,
)
from kuaiji.regions.scope import department_ids_in_scope
from kuaiji.review.models import Decision
from kuaiji.review.scope import submissions_visible_to

from .dimensions import NO_EMPLOYER
from .models import PersonnelCount, SubmissionCount

REVIEW_DAYS = 90
MONTHS = 12
AGE_BANDS = (
    (0, 29, "30 岁以下"),
    (30, 39, "30–39 岁"),
    (40, 49, "40–49 岁"),
    (50, 59, "50–59 岁"),
    (60, 200, "60 岁及以上"),
)
UNKNOWN = "未知"
NOT_ANSWERED = "未填写"


@dataclass
class Figure:
    """One table of the dashboard (and one chart): rows of a label and its numbers."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def _counted(rows: Any, labels: dict[str, Any] | None = None, *, blank: str = UNKNOWN) -> list[list[Any]]:
    """``(key, count)`` rows as ``[label, count]``: with ``labels`` (a choice table) in the table's order,
    then codes it does not know (shown as they are), then the blank one as ``blank``."""
    labels = labels or {}
    order = {key: index for index, key in enumerate(labels)}
    ordered = sorted(rows, key=lambda row: (row[0] in ("", None), order.get(row[0], len(order))))
    return [[str(labels.get(key, key) or blank), count] for key, count in ordered]


def _personnel_counts(scope: list[int]) -> tuple[list[tuple[str, int]], dict[str, dict[str, int]]]:
    """From the summary (decision 0026): people per department name, and per dimension and value."""
    counts = PersonnelCount.objects.filter(department__in=scope)
    by_department = list(
        counts.filter(dimension="qualification")  # every record has one value on each dimension
        .values_list("department__name")
        .annotate(n=Sum("n"))
        .order_by("-n", "department__name")
    )
    by_dimension: dict[str, dict[str, int]] = defaultdict(dict)
    for dimension, value, n in counts.values_list("dimension", "value").annotate(n=Sum("n")).order_by():
        by_dimension[dimension][value] = n
    return by_department, by_dimension


def _age_bands(birth_years: dict[str, int], today: date) -> list[list[Any]]:
    bands = dict.fromkeys([label for _, _, label in AGE_BANDS], 0)
    unknown = 0
    for year, n in birth_years.items():
        age = today.year - int(year) if year.isdigit() else None
        label = next(
            (label for low, high, label in AGE_BANDS if age is not None and low <= age <= high), None
        )
        if label is None:
            unknown += n
        else:
            bands[label] += n
    return [[label, n] for label, n in bands.items()] + ([[UNKNOWN, unknown]] if unknown else [])


def _sexes(digits: dict[str, int]) -> list[list[Any]]:
    sexes = {"女": 0, "男": 0, UNKNOWN: 0}
    for digit, n in digits.items():  # the 17th character of a resident ID; "" for other documents
        parity = int(digit) % 2 if digit.isdigit() else None
        sexes["男" if parity == 1 else "女" if parity == 0 else UNKNOWN] += n
    return [[label, n] for label, n in sexes.items() if n]


def personnel_figures(staff: Any, *, today: date | None = None) -> list[Figure]:
    """The archive's people in scope, as the summary last counted them (``services.fresh_snapshot``)."""
    today = today or timezone.localdate()
    by_department, by = _personnel_counts(department_ids_in_scope(staff))
    return [
        Figure("department", "各会计管理部门的人员", ["会计管理部门", "人数"], _counted(by_department)),
        Figure(
            "qualification",
            "专业技术资格",
            ["专业技术资格", "人数"],
            _counted(by["qualification"].items(), dict(QualificationLevel.choices)),
        ),
        Figure(
            "education",
            "全日制学历",
            ["全日制学历", "人数"],
            _counted(by["education"].items(), dict(EducationLevel.choices)),
        ),
        Figure(
            "accounting_post",
            "会计专业技术职务",
            ["会计专业技术职务", "人数"],
            _counted(by["accounting_post"].items(), dict(AccountingPost.choices), blank=NOT_ANSWERED),
        ),
        Figure(
            "employer_nature",
            "单位性质",
            ["单位性质", "人数"],
            _counted(
                by["employer_nature"].items(),
                {**dict(EmployerNature.choices), NO_EMPLOYER: "无工作单位"},
                blank=NOT_ANSWERED,
            ),
        ),
        Figure("sex", "性别", ["性别", "人数"], _sexes(by["sex_digit"])),
        Figure("age", "年龄", ["年龄段", "人数"], _age_bands(by["birth_year"], today)),
    ]


def submission_months(staff: Any, *, today: date | None = None) -> Figure:
    """Submissions (first collections, changes, transfers) per month of submission, the last ``MONTHS``,
    from the summary: routed to a department in scope or released by one (as ``submissions_visible_to``)."""
    today = today or timezone.localdate()
    months_back = today.year * 12 + today.month - 1 - (MONTHS - 1)
    first = date(months_back // 12, months_back % 12 + 1, 1)
    scope = department_ids_in_scope(staff)
    rows = (
        SubmissionCount.objects.filter(Q(department__in=scope) | Q(releasing_department__in=scope))
        .filter(month__gte=first)
        .values_list("month", "kind")
        .annotate(n=Sum("n"))
        .order_by()
    )
    counts = {(month.strftime("%Y-%m"), kind): n for month, kind, n in rows}
    months = []
    cursor = first
    while cursor <= today:
        months.append(cursor.strftime("%Y-%m"))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    kinds = list(SubmissionKind)
    return Figure(
        "months",
        "每月提交的信息登记",
        ["月份", *(str(kind.label) for kind in kinds)],
        [[month, *(counts.get((month, kind.value), 0) for kind in kinds)] for month in months],
    )


def _percentile(values: list[int], share: float) -> int:
    """The nearest-rank percentile: the smallest value with at least ``share`` of the values at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def review_figures(staff: Any, *, today: date | None = None) -> list[Figure]:
    """The backlog by department, and the last ``REVIEW_DAYS`` days' decisions by department and by
    reviewer: how many, median and 95th-percentile working days, the share decided by the due date."""
    today = today or timezone.localdate()
    scope = department_ids_in_scope(staff)
    pending = (
        submissions_visible_to(staff)
        .filter(status=Status.PENDING)
        .values_list("department__name")
        .annotate(n=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
        .order_by("-n")
    )
    since = timezone.now() - timedelta(days=REVIEW_DAYS)
    decisions = list(
        Decision.objects.filter(submission__department__in=scope, decided_at__gte=since)
        .values_list(
            "submission__department__name",
            "reviewer__full_name",
            "revision__submitted_at",
            "revision__due_on",
            "decided_at",
        )
        .iterator(chunk_size=5000)
    )
    days = [
        timezone.localtime(moment).date()
        for _, _, submitted, _, decided in decisions
        for moment in (submitted, decided)
    ]
    table = WorkingDayTable(first=min([today, *days]), last=max([today, *days]))
    groups: dict[str, dict[str, list[tuple[int, bool]]]] = {
        "department": defaultdict(list),
        "reviewer": defaultdict(list),
    }
    for department, reviewer, submitted, due_on, decided in decisions:
        decided_on = timezone.localtime(decided).date()
        took = table.between(start=timezone.localtime(submitted).date(), end=decided_on)
        on_time = due_on is None or decided_on <= due_on
        groups["department"][department or UNKNOWN].append((took, on_time))
        groups["reviewer"][reviewer or UNKNOWN].append((took, on_time))

    def summary(label: str, items: list[tuple[int, bool]]) -> list[Any]:
        took = [days for days, _ in items]
        return [
            label,
            len(items),
            statistics.median(took),
            _percentile(took, 0.95),
            f"{sum(1 for _, ok in items if ok) * 100 / len(items):.1f}%",
        ]

    columns = ["件数", "审核用时中位数（工作日）", "95% 在（工作日）内", "按期审核比例"]
    return [
        Figure(
            "backlog",
            "待审核",
            ["审核部门", "待审核", "其中已超期"],
            [[name or UNKNOWN, n, overdue] for name, n, overdue in pending],
        ),
        Figure(
            "review_department",
            f"近 {REVIEW_DAYS} 天的审核（按部门）",
            ["审核部门", *columns],
            [
                summary(label, items)
                for label, items in sorted(groups["department"].items(), key=lambda kv: -len(kv[1]))
            ],
        ),
        Figure(
            "review_reviewer",
            f"近 {REVIEW_DAYS} 天的审核（按审核员）",
            ["审核员", *columns],
            [
                summary(label, items)
                for label, items in sorted(groups["reviewer"].items(), key=lambda kv: -len(kv[1]))
            ],
        ),
    ]


def dashboard(staff: Any, *, today: date | None = None) -> list[Figure]:
    return [
        *personnel_figures(staff, today=today),
        submission_months(staff, today=today),
        *review_figures(staff, today=today),
    ]
