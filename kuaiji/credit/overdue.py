"""Credit entries not checked and published by their due date, and objections not decided by theirs:
counted per department for the overdue overview and the daily reminder (``kuaiji.review.overdue``), by the
same rule as review due dates: past due while waiting and the due date lies before today."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Min, QuerySet

from kuaiji.regions.models import Department

from .constants import EntryState, ObjectionState
from .models import CreditEntry, Objection


def overdue_credit_by_department(
    *, departments: Iterable[Department] | QuerySet[Department], today: date
) -> list[tuple[Department, int, int, date]]:
    """``(department, entries overdue, objections overdue, oldest due date)`` for each department with
    any, the oldest first. Three queries."""
    entries = (
        CreditEntry.objects.filter(department__in=departments, state=EntryState.RECORDED, due_on__lt=today)
        .order_by()
        .values("department_id")
        .annotate(count=Count("id"), oldest=Min("due_on"))
        .values_list("department_id", "count", "oldest")
    )
    objections = (
        Objection.objects.filter(
            entry__department__in=departments, state=ObjectionState.PENDING, due_on__lt=today
        )
        .order_by()
        .values("entry__department_id")
        .annotate(count=Count("id"), oldest=Min("due_on"))
        .values_list("entry__department_id", "count", "oldest")
    )
    counts: dict[int, list] = {}
    for department_id, count, oldest in entries:
        counts[department_id] = [count, 0, oldest]
    for department_id, count, oldest in objections:
        row = counts.setdefault(department_id, [0, 0, oldest])
        row[1] = count
        row[2] = min(row[2], oldest)
    found = Department.objects.in_bulk(list(counts))
    rows = [
        (found[pk], entries_count, objections_count, oldest)
        for pk, (entries_count, objections_count, oldest) in counts.items()
    ]
    rows.sort(key=lambda row: (row[3], row[0].division_id))
    return rows
