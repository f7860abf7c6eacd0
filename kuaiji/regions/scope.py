"""Department scope: a member of staff acts for their department and every department below it (by the
department tree, never by code prefixes). Submission scope, which builds on this, is in kuaiji.review.scope;
the archive and the staff pages read department scope from here, so they need not import review.

The tree below the staff member's department is read once (one recursive query) and kept on the user
object for as long as its department does not change. Django loads ``request.user`` afresh for every
request (the session and the API token alike), so a page's scope, its filter list and its department
check share that one read, and the next request reads the tree again.
"""

from typing import Any

from django.db.models import QuerySet

from .models import Department
from .selectors import department_tree_below

_MEMO = "_kuaiji_department_scope"


def scope_departments(staff: Any) -> list[Department]:
    """The staff member's department and those below it, ordered by division code; none for someone
    without a department. Read once per user object (so once per request)."""
    department_id = getattr(staff, "department_id", None)
    if department_id is None:
        return []
    memo = getattr(staff, _MEMO, None)
    if memo is None or memo[0] != department_id:
        memo = (department_id, department_tree_below(department_id))
        setattr(staff, _MEMO, memo)
        own = next((d for d in memo[1] if d.pk == department_id), None)
        field = staff._meta.get_field("department")
        if own is not None and not field.is_cached(staff):
            field.set_cached_value(staff, own)  # the page's "本部门" needs no query of its own
    return list(memo[1])


def department_ids_in_scope(staff: Any) -> list[int]:
    """The ids themselves, not a subquery: with a literal list PostgreSQL estimates the rows of a county
    right and picks the right index (the review benchmark: a county's deep queue page 413 → 58 ms)."""
    return [department.pk for department in scope_departments(staff)]


def departments_in_scope(staff: Any) -> QuerySet[Department]:
    """The staff member's department and those below it as a queryset (for filters and forms); none for
    someone without a department."""
    ids = department_ids_in_scope(staff)
    return Department.objects.filter(pk__in=ids) if ids else Department.objects.none()


def scope_department(staff: Any, *, division_code: str) -> Department | None:
    """The department in scope whose division code is ``division_code``; None when it is not in scope.
    No query (the scope is already read)."""
    return next((d for d in scope_departments(staff) if d.division_id == division_code), None)
