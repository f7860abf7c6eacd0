"""Department scope: a member of staff acts for their department and every department below it (by the
department tree, never by code prefixes). Submission scope, which builds on this, is in kuaiji.review.scope;
the archive and the staff pages read department scope from here, so they need not import review."""

from typing import Any

from django.db.models import QuerySet

from .models import Department
from .selectors import departments_below


def departments_in_scope(staff: Any) -> QuerySet[Department]:
    """The staff member's department and those below it; none for someone without a department."""
    if staff.department_id is None:
        return Department.objects.none()
    return departments_below(staff.department)


def department_ids_in_scope(staff: Any) -> list[int]:
    """The ids themselves, not a subquery: with a literal list PostgreSQL estimates the rows of a county
    right and picks the right index (the review benchmark: a county's deep queue page 413 → 58 ms)."""
    return list(departments_in_scope(staff).values_list("pk", flat=True))
