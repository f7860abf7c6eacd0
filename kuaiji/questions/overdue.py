"""Questions waiting past their due date, per department: for 超期未审核 and the daily reminder
(``kuaiji.review.overdue``), by the review rule (waiting, and the due date lies before today)."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Min, QuerySet

from kuaiji.regions.models import Department

from .constants import QuestionState
from .models import Question


def overdue_questions_by_department(
    *, departments: Iterable[Department] | QuerySet[Department], today: date
) -> list[tuple[Department, int, date]]:
    """``(department, open questions past due, oldest due date)``, the oldest first. Two queries."""
    rows = list(
        Question.objects.filter(department__in=departments, state=QuestionState.OPEN, due_on__lt=today)
        .order_by()
        .values("department_id")
        .annotate(count=Count("id"), oldest=Min("due_on"))
        .values_list("department_id", "count", "oldest")
    )
    found = Department.objects.in_bulk([pk for pk, _count, _oldest in rows])
    result = [(found[pk], count, oldest) for pk, count, oldest in rows]
    result.sort(key=lambda row: (row[2], row[0].division_id))
    return result
