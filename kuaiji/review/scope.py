"""The one place staff scope over submissions is decided: a member of staff sees and acts on records of
their department and the departments below it (department scope itself is kuaiji.regions.scope, re-exported
here for the review pages). Every staff view, export and API call reaches submissions through these."""

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from kuaiji.accounts.models import User
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Submission
from kuaiji.regions.scope import department_ids_in_scope, departments_in_scope, scope_departments

__all__ = [
    "department_ids_in_scope",
    "departments_in_scope",
    "get_submission_for_review",
    "scope_departments",
    "submissions_to_decide",
    "submissions_visible_to",
]


def submissions_visible_to(staff: User) -> QuerySet[Submission]:
    """Submitted records routed to a department in the staff member's scope, and transfers away from
    one (the releasing department sees them in its history). Drafts are never shown."""
    scope = department_ids_in_scope(staff)
    return Submission.objects.filter(Q(department__in=scope) | Q(releasing_department__in=scope)).exclude(
        status=Status.DRAFT
    )


def submissions_to_decide(staff: User) -> QuerySet[Submission]:
    """What the staff member's departments decide: routed to a department in scope."""
    return Submission.objects.filter(department__in=department_ids_in_scope(staff)).exclude(
        status=Status.DRAFT
    )


def get_submission_for_review(
    staff: User, submission_uuid: uuid.UUID | str, *, to_decide: bool = False
) -> Submission:
    """The submission, or the same 404 whether it does not exist or is outside the staff member's scope.

    ``to_decide``: only what the staff member's departments decide (a releasing department only reads)."""
    visible = submissions_to_decide(staff) if to_decide else submissions_visible_to(staff)
    submission = (
        visible.select_related("applicant", "department", "based_on").filter(uuid=submission_uuid).first()
    )
    if submission is None:
        raise Http404
    return submission
