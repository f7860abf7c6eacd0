"""The overdue overview: per department in the staff member's scope, how many pending submissions are
past their due date, each linking to the queue filtered to that department."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kuaiji.accounts.permissions import staff_required
from kuaiji.calendar.selectors import working_days_between

from .overdue import overdue_by_department, queue_link


@require_GET
@staff_required
def overdue(request):
    today = timezone.localdate()
    rows = [
        {
            "department": department,
            "count": count,
            "oldest": oldest,
            "late_by": working_days_between(start=oldest, end=today),
            "queue_link": queue_link(department),
        }
        for department, count, oldest in overdue_by_department(staff=request.user, today=today)
    ]
    return render(
        request,
        "review/overdue.html",
        {"rows": rows, "total": sum(row["count"] for row in rows), "today": today},
    )
