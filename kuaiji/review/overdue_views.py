"""The overdue overview: per department in the staff member's scope, how many pending submissions are
past their due date, each linking to the queue filtered to that department."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kuaiji.accounts.permissions import staff_required
from kuaiji.calendar.selectors import WorkingDayTable

from .overdue import overdue_by_department, queue_link


@require_GET
@staff_required
def overdue(request):
    today = timezone.localdate()
    found = overdue_by_department(staff=request.user, today=today)
    # One calendar read for every department's row.
    table = WorkingDayTable(first=min([today, *(oldest for _, _, oldest in found)]), last=today)
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
    return render(
        request,
        "review/overdue.html",
        {"rows": rows, "total": sum(row["count"] for row in rows), "today": today},
    )
