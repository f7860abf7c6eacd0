"""The overdue overview: per department in the staff member's scope, how many pending submissions are
past their due date, each linking to the queue filtered to that department."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kuaiji.accounts.permissions import staff_required
from kuaiji.calendar.selectors import WorkingDayTable
from kuaiji.collection.reminders import stalled_by_department
from kuaiji.credit.overdue import overdue_credit_by_department
from kuaiji.questions.overdue import overdue_questions_by_department
from kuaiji.regions.scope import department_ids_in_scope, departments_in_scope

from .overdue import overdue_by_department, queue_link


@require_GET
@staff_required
def overdue(request):
    today = timezone.localdate()
    found = overdue_by_department(staff=request.user, today=today)
    credit = overdue_credit_by_department(departments=departments_in_scope(request.user), today=today)
    questions = overdue_questions_by_department(departments=departments_in_scope(request.user), today=today)
    # One calendar read for every department's row.
    table = WorkingDayTable(
        first=min(
            [
                today,
                *(oldest for _, _, oldest in found),
                *(row[3] for row in credit),
                *(row[2] for row in questions),
            ]
        ),
        last=today,
    )
    rows = [
        {
            "department": department,
            "count": count,
            "oldest": oldest,
            "late_by": table.between(start=oldest, end=today),
            "queue_link": queue_link(department),
        }
        for department, count, oldest in found
    ]
    credit_rows = [
        {
            "department": department,
            "entries": entries,
            "objections": objections,
            "oldest": oldest,
            "late_by": table.between(start=oldest, end=today),
        }
        for department, entries, objections, oldest in credit
    ]
    question_rows = [
        {
            "department": department,
            "count": count,
            "oldest": oldest,
            "late_by": table.between(start=oldest, end=today),
        }
        for department, count, oldest in questions
    ]
    departments = {department.pk: department for department in departments_in_scope(request.user)}
    stalled = stalled_by_department(department_ids=department_ids_in_scope(request.user))
    stalled_rows = sorted(
        ((departments[pk], count) for pk, count in stalled.items() if pk in departments),
        key=lambda row: row[0].division_id,
    )
    return render(
        request,
        "review/overdue.html",
        {
            "stalled_rows": stalled_rows,
            "question_rows": question_rows,
            "stalled_days": settings.KUAIJI_STALLED_DRAFT_DAYS,
            "rows": rows,
            "total": sum(row["count"] for row in rows),
            "credit_rows": credit_rows,
            "today": today,
        },
    )
