"""Requirements covered: a submission is overdue while pending past its due date (not on the due date);
``/review/overdue/`` shows any verified staff member the overdue count per department in their scope
(the province sees every department below it), linking to the queue filtered to that department; the
daily ``report_overdue`` command sends each department's 部门管理员 an in-site message (no SMS) with the
count and records the run in the audit log. The admin edits 常用审核意见 and only shows decisions.
"""

from datetime import date, timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import pytest

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.models import Notification
from kuaiji.accounts.sms import read_outbox
from kuaiji.audit.models import AuditEvent
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Submission
from kuaiji.review.models import Decision, ReasonTemplate
from kuaiji.review.overdue import overdue_by_department, overdue_submissions

pytestmark = pytest.mark.django_db

URL = "/review/overdue/"


def due(submission, day: date, *, department=None) -> None:
    """Make ``submission`` due on ``day``, and (first collections go to the province) decided by
    ``department`` when given."""
    fields = {"due_on": day}
    if department is not None:
        fields["department"] = department
    Submission.objects.filter(pk=submission.pk).update(**fields)


@pytest.fixture
def today():
    return timezone.localdate()


def test_url():
    assert reverse("review:overdue") == URL


def test_overdue_means_pending_and_due_before_today(submitted, departments, today):
    late, _ = submitted()
    due_today, _ = submitted()
    decided, _ = submitted()
    province = departments["630000"]
    due(late, today - timedelta(days=1))
    due(due_today, today)
    Submission.objects.filter(pk=decided.pk).update(due_on=today - timedelta(days=5), status=Status.APPROVED)
    assert list(overdue_submissions(departments=[province], today=today)) == [late]
    assert not overdue_submissions(departments=[departments["630102"]], today=today).exists()


def test_by_department_within_the_staff_members_scope(submitted, reviewer_for, departments, today):
    first, _ = submitted()
    second, _ = submitted()
    other, _ = submitted()
    due(first, today - timedelta(days=2), department=departments["630102"])
    due(second, today - timedelta(days=9), department=departments["630102"])
    due(other, today - timedelta(days=1), department=departments["632801"])
    province = reviewer_for("630000").staff
    assert overdue_by_department(staff=province, today=today) == [
        (departments["630102"], 2, today - timedelta(days=9)),
        (departments["632801"], 1, today - timedelta(days=1)),
    ]
    xining = reviewer_for("630100").staff
    assert overdue_by_department(staff=xining, today=today) == [
        (departments["630102"], 2, today - timedelta(days=9))
    ]
    assert overdue_by_department(staff=reviewer_for("630103").staff, today=today) == []


def test_page_lists_departments_and_links_to_the_filtered_queue(submitted, reviewer_for, departments, today):
    submission, _ = submitted()
    due(submission, today - timedelta(days=3), department=departments["630102"])
    province = reviewer_for("630000", role=StaffRole.DEPARTMENT_ADMIN)
    response = province.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    county = departments["630102"]
    assert county.name in page
    link = f"/review/?status=pending&amp;department={county.division_id}"
    assert link in page
    queue = province.get(link.replace("&amp;", "&")).content.decode()
    assert submission.applicant.full_name in queue
    assert "已超期" in queue


def test_page_for_staff_with_nothing_overdue(submitted, reviewer_for, departments, today):
    submission, _ = submitted()
    due(submission, today - timedelta(days=3), department=departments["630102"])
    neighbour = reviewer_for("630103")
    page = neighbour.get(URL).content.decode()
    assert "没有超期未审核的信息登记" in page
    assert "城东区" not in page


def test_page_needs_verified_staff(client, submitted):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:staff_sign_in"))
    _submission, applicant = submitted()
    assert applicant.get(URL).status_code == 403


def test_page_query_count(submitted, reviewer_for, departments, today, django_assert_max_num_queries):
    for code in ("630102", "630103", "632801"):
        submission, _ = submitted()
        due(submission, today - timedelta(days=2), department=departments[code])
    province = reviewer_for("630000")
    with django_assert_max_num_queries(12):
        response = province.get(URL)
    assert len(response.context["rows"]) == 3


def test_report_overdue_tells_each_department_administrator(submitted, reviewer_for, departments, today):
    first, _ = submitted()
    second, _ = submitted()
    on_time, _ = submitted()
    due(first, today - timedelta(days=1), department=departments["630102"])
    due(second, today - timedelta(days=4), department=departments["630102"])
    due(on_time, today, department=departments["630103"])
    admins = [reviewer_for("630102", role=StaffRole.DEPARTMENT_ADMIN).staff for _ in range(2)]
    reviewer = reviewer_for("630102").staff
    province_admin = reviewer_for("630000", role=StaffRole.DEPARTMENT_ADMIN).staff
    neighbour_admin = reviewer_for("630103", role=StaffRole.DEPARTMENT_ADMIN).staff
    outbox_before = len(read_outbox())

    call_command("report_overdue")

    for admin in admins:
        message = Notification.objects.get(user=admin)
        assert "2 件" in message.text
        assert message.link == f"/review/?status=pending&department={departments['630102'].division_id}"
    for other in (reviewer, province_admin, neighbour_admin):
        assert not Notification.objects.filter(user=other).exists()
    assert len(read_outbox()) == outbox_before  # in-site only, no SMS
    run = AuditEvent.objects.get(action="review.overdue_reported")
    assert run.actor is None
    assert run.details["today"] == today.isoformat()
    assert run.details["departments"] == [
        {
            "department": departments["630102"].pk,
            "name": departments["630102"].name,
            "count": 2,
            "oldest_due_on": (today - timedelta(days=4)).isoformat(),
            "notified": 2,
        }
    ]


def test_report_overdue_with_nothing_overdue_still_records_the_run(departments):
    call_command("report_overdue", "--date", "2026-03-02")
    run = AuditEvent.objects.get(action="review.overdue_reported")
    assert run.details == {"today": "2026-03-02", "departments": [], "credit": [], "questions": []}
    assert not Notification.objects.exists()


def test_reason_templates_are_editable_in_the_admin(admin_client):
    template = ReasonTemplate.objects.create(outcome="return", text="学历证书照片不清晰，请重新上传")
    changelist = admin_client.get(reverse("admin:review_reasontemplate_changelist"))
    assert changelist.status_code == 200
    assert template.text in changelist.content.decode()
    response = admin_client.post(
        reverse("admin:review_reasontemplate_add"),
        {"outcome": "refuse", "text": "不符合采集条件", "is_active": "on", "position": "1"},
    )
    assert response.status_code == 302
    assert ReasonTemplate.objects.filter(text="不符合采集条件", outcome="refuse").exists()


def test_decisions_are_read_only_in_the_admin(admin_client, submitted, reviewer_for):
    submission, _ = submitted()
    province = reviewer_for("630000")
    province.post(
        reverse("review:decide", args=[submission.uuid]),
        {"outcome": "approve", "version": submission.version},
    )
    decision = Decision.objects.get(submission=submission)
    assert admin_client.get(reverse("admin:review_decision_changelist")).status_code == 200
    change = admin_client.get(reverse("admin:review_decision_change", args=[decision.pk]))
    assert change.status_code == 200
    assert 'name="reason"' not in change.content.decode()
    assert admin_client.get(reverse("admin:review_decision_add")).status_code == 403
    assert admin_client.post(reverse("admin:review_decision_delete", args=[decision.pk])).status_code == 403
    assert Decision.objects.filter(pk=decision.pk).exists()
