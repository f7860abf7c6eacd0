"""Submissions waiting past their due date (``due_on``): the overview page for staff and the daily
reminder to each department's administrators.

A submission is overdue while it is pending and its due date lies before ``today`` (due today is not
yet overdue). It counts for the department that decides it (``Submission.department``).
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Count, Min, QuerySet
from django.urls import reverse

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.models import User
from kuaiji.accounts.services import notify
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Submission
from kuaiji.regions.models import Department
from kuaiji.regions.scope import departments_in_scope


def overdue_submissions(*, departments: Iterable[Department] | QuerySet[Department], today: date):
    """Pending submissions of ``departments`` whose due date is before ``today``."""
    return Submission.objects.filter(department__in=departments, status=Status.PENDING, due_on__lt=today)


def _by_department(submissions: QuerySet[Submission]) -> list[tuple[Department, int, date]]:
    rows = list(
        submissions.order_by()
        .values("department_id")
        .annotate(count=Count("id"), oldest=Min("due_on"))
        .values_list("department_id", "count", "oldest")
    )
    departments = Department.objects.in_bulk([department_id for department_id, _, _ in rows])
    result = [(departments[department_id], count, oldest) for department_id, count, oldest in rows]
    # The longest waiting first; ties in the order of the tree.
    result.sort(key=lambda row: (row[2], row[0].division_id))
    return result


def overdue_by_department(*, staff, today: date) -> list[tuple[Department, int, date]]:
    """``(department, overdue count, oldest due date)`` for each department in the staff member's scope
    that has overdue submissions, the oldest first. Two queries. Permission: any verified staff (the
    caller checks); the scope comes from ``departments_in_scope``."""
    return _by_department(overdue_submissions(departments=departments_in_scope(staff), today=today))


def queue_link(department: Department) -> str:
    """The review queue filtered to the pending submissions of ``department`` (sorted by due date)."""
    return f"{reverse('review:queue')}?status={Status.PENDING}&department={department.division_id}"


@transaction.atomic
def report_overdue(*, today: date) -> list[dict]:
    """Tell each department administrator (部门管理员) of every department with overdue submissions how
    many there are (in-site message, no SMS), and record one ``review.overdue_reported`` event for the
    run. Returns one summary per department: its id, name, count, oldest due date, people notified.
    Run daily by cron through ``manage.py report_overdue``; not scoped (it reports every department)."""
    rows = _by_department(overdue_submissions(departments=Department.objects.all(), today=today))
    admins: dict[int, list[User]] = {}
    for admin in User.objects.filter(
        department__in=[department for department, _, _ in rows],
        groups__name=StaffRole.DEPARTMENT_ADMIN,
        is_active=True,
    ).distinct():
        assert admin.department_id is not None  # filtered on department__in
        admins.setdefault(admin.department_id, []).append(admin)
    summary = []
    for department, count, oldest in rows:
        recipients = admins.get(department.pk, [])
        text = (
            f"{department.name}有 {count} 件信息登记已超过审核期限未处理"
            f"（最早的截止日期为 {oldest:%Y-%m-%d}），请尽快安排审核。"
        )
        for admin in recipients:
            notify(user=admin, text=text, link=queue_link(department), sms=False)
        summary.append(
            {
                "department": department.pk,
                "name": department.name,
                "count": count,
                "oldest_due_on": oldest.isoformat(),
                "notified": len(recipients),
            }
        )
    credit_summary = _report_credit_overdue(today=today)
    question_summary = _report_question_overdue(today=today)
    record_event(
        action=AuditAction.REVIEW_OVERDUE_REPORTED,
        details={
            "today": today.isoformat(),
            "departments": summary,
            "credit": credit_summary,
            "questions": question_summary,
        },
    )
    return summary


def _department_admins(department: Department) -> list[User]:
    return list(
        User.objects.filter(department=department, groups__name=StaffRole.DEPARTMENT_ADMIN, is_active=True)
    )


def _report_question_overdue(*, today: date) -> list[dict]:
    """The same reminder for questions (留言咨询) past their answer due date."""
    from kuaiji.questions.overdue import overdue_questions_by_department

    summary = []
    for department, count, oldest in overdue_questions_by_department(
        departments=Department.objects.all(), today=today
    ):
        recipients = _department_admins(department)
        text = f"{department.name}有 {count} 条留言咨询超过答复期限（最早的期限为 {oldest:%Y-%m-%d}），请尽快答复。"
        for admin in recipients:
            notify(user=admin, text=text, link=reverse("questions:queue"), sms=False)
        summary.append({"department": department.pk, "count": count, "notified": len(recipients)})
    return summary


def _report_credit_overdue(*, today: date) -> list[dict]:
    """The same reminder for credit entries past their publication due date and objections past theirs."""
    from kuaiji.credit.overdue import overdue_credit_by_department

    rows = overdue_credit_by_department(departments=Department.objects.all(), today=today)
    summary = []
    for department, entries, objections, oldest in rows:
        recipients = _department_admins(department)
        text = (
            f"{department.name}有 {entries} 条信用记录超过公示期限未复核、{objections} 项信用异议超过处理期限"
            f"（最早的期限为 {oldest:%Y-%m-%d}），请尽快处理。"
        )
        for admin in recipients:
            notify(user=admin, text=text, link=reverse("credit:queue"), sms=False)
        summary.append(
            {
                "department": department.pk,
                "entries": entries,
                "objections": objections,
                "notified": len(recipients),
            }
        )
    return summary
