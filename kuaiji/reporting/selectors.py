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

from django.db.models import Case, CharField, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Substr, TruncMonth
from django.utils import timezone

from kuaiji.archive.selectors import records_visible_to
from kuaiji.calendar.selectors import WorkingDayTable
from kuaiji.collection.constants import (
    AccountingPost,
    EducationLevel,
    EmployerNature,
    QualificationLevel,
    Status,
    SubmissionKind,
)
from kuaiji.core.constants import DocumentType
from kuaiji.regions.scope import department_ids_in_scope
from kuaiji.review.models import Decision
from kuaiji.review.scope import submissions_visible_to

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
# The unit nature's group for records without a work unit (the archive shows 无工作单位 for them too).
NO_EMPLOYER = "-"


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


def personnel_figures(staff: Any, *, today: date | None = None) -> list[Figure]:
    today = today or timezone.localdate()
    records = records_visible_to(staff)
    by_department = (
        records.values_list("department__name").annotate(n=Count("id")).order_by("-n", "department__name")
    )
    by_qualification = (
        records.values_list("qualification_level").annotate(n=Count("id")).order_by("qualification_level")
    )
    by_education = records.values_list("education_level").annotate(n=Count("id")).order_by("education_level")
    by_post = records.values_list("accounting_post").annotate(n=Count("id")).order_by()
    nature = Case(
        When(Q(employer_nature="") & Q(employer_name=""), then=Value(NO_EMPLOYER)),
        default=F("employer_nature"),
        output_field=CharField(),
    )
    by_nature = records.annotate(nature=nature).values_list("nature").annotate(n=Count("id")).order_by()
    resident = Q(document_type=DocumentType.RESIDENT_ID)
    # The 17th character's parity is the sex; characters 7–10 the birth year (GB 11643).
    sex = Case(
        When(resident & Q(sex_digit__in=list("13579")), then=Value("男")),
        When(resident & Q(sex_digit__in=list("02468")), then=Value("女")),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )
    by_sex = (
        records.annotate(sex_digit=Substr("document_number", 17, 1))
        .annotate(sex=sex)
        .values_list("sex")
        .annotate(n=Count("id"))
        .order_by("sex")
    )
    # Cast only what is a resident ID (a passport's letters would not cast).
    birth_year = Case(
        When(resident, then=Cast(Substr("document_number", 7, 4), IntegerField())), default=None
    )
    band = Case(
        *(
            When(
                resident & Q(birth_year__gte=today.year - high, birth_year__lte=today.year - low),
                then=Value(label),
            )
            for low, high, label in AGE_BANDS
        ),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )
    by_age = dict(
        records.annotate(birth_year=birth_year)
        .annotate(band=band)
        .values_list("band")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        Figure("department", "各会计管理部门的人员", ["会计管理部门", "人数"], _counted(by_department)),
        Figure(
            "qualification",
            "专业技术资格",
            ["专业技术资格", "人数"],
            _counted(by_qualification, dict(QualificationLevel.choices)),
        ),
        Figure(
            "education",
            "全日制学历",
            ["全日制学历", "人数"],
            _counted(by_education, dict(EducationLevel.choices)),
        ),
        Figure(
            "accounting_post",
            "会计专业技术职务",
            ["会计专业技术职务", "人数"],
            _counted(by_post, dict(AccountingPost.choices), blank=NOT_ANSWERED),
        ),
        Figure(
            "employer_nature",
            "单位性质",
            ["单位性质", "人数"],
            _counted(
                by_nature, {**dict(EmployerNature.choices), NO_EMPLOYER: "无工作单位"}, blank=NOT_ANSWERED
            ),
        ),
        Figure("sex", "性别", ["性别", "人数"], _counted(by_sex)),
        Figure(
            "age",
            "年龄",
            ["年龄段", "人数"],
            [[label, by_age.get(label, 0)] for _, _, label in AGE_BANDS]
            + ([[UNKNOWN, by_age[UNKNOWN]]] if by_age.get(UNKNOWN) else []),
        ),
    ]


def submission_months(staff: Any, *, today: date | None = None) -> Figure:
    """Submissions (first collections, changes, transfers) per month of submission, the last ``MONTHS``."""
    today = today or timezone.localdate()
    months_back = today.year * 12 + today.month - 1 - (MONTHS - 1)
    first = date(months_back // 12, months_back % 12 + 1, 1)
    counts: dict[tuple[str, str], int] = {}
    rows = (
        submissions_visible_to(staff)
        .filter(submitted_at__date__gte=first)
        .annotate(month=TruncMonth("submitted_at"))
        .values_list("month", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for month, kind, count in rows:
        counts[
            (
                timezone.localtime(month).strftime("%Y-%m")
                if timezone.is_aware(month)
                else month.strftime("%Y-%m"),
                kind,
            )
        ] = count
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
