"""The one place staff scope is decided: a member of staff sees and acts on records of their department
and the departments below it (by the department tree, never by code prefixes). Every staff view, export
and API call reaches personal records through these functions."""

from django.db.models import QuerySet
from django.http import Http404

from kuaiji.collection.constants import Status
from kuaiji.collection.models import Submission
from kuaiji.regions.models import Department
from kuaiji.regions.selectors import departments_below


def departments_in_scope(staff) -> QuerySet[Department]:
    if staff.department_id is None:
        return Department.objects.none()
    return departments_below(staff.department)


def submissions_visible_to(staff) -> QuerySet[Submission]:
    """Submitted records routed to a department in the staff member's scope (drafts are never shown)."""
    return Submission.objects.filter(department__in=departments_in_scope(staff)).exclude(status=Status.DRAFT)


def get_submission_for_review(staff, submission_uuid) -> Submission:
    """The submission, or the same 404 whether it does not exist or is outside the staff member's scope."""
    submission = (
        submissions_visible_to(staff)
        .select_related("applicant", "department", "based_on")
        .filter(uuid=submission_uuid)
        .first()
    )
    if submission is None:
        raise Http404
    return submission
