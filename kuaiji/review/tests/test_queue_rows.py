"""The queue's rows, rendered in Python (review/templatetags/queue_tags.py): escaped, with the badges, the
link, the masked number and the names outside the BMP as they are."""

from datetime import timedelta
from html import escape

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

import pytest

from kuaiji.api.tests.test_staff_api import QUEUE, Api
from kuaiji.calendar.selectors import working_days_between
from kuaiji.collection.models import Submission, reference_of
from kuaiji.core.validators import mask_document_number
from kuaiji.review import selectors
from kuaiji.review.selectors import QueueDepartment, QueueItem
from kuaiji.review.templatetags.queue_tags import OVERDUE_BADGE
from kuaiji.review.tests.test_list_costs import pending_submissions

pytestmark = pytest.mark.django_db


def test_a_row_shows_what_the_reviewer_needs_escaped(departments, reviewer_for):
    (submission,) = pending_submissions(departments, count=1)
    applicant = submission.applicant
    applicant.full_name = "李𪚥<script>"
    applicant.save(update_fields=["full_name"])
    submission.due_on = timezone.localdate() - timedelta(days=1)
    submission.save(update_fields=["due_on"])

    html = reviewer_for("630102").get(reverse("review:queue")).content.decode()

    assert "李𪚥&lt;script&gt;" in html and "<script>" not in html.split("<main", 1)[1].split("</main>")[0]
    row = html.split('<tr class="queue-card is-overdue">', 1)[1].split("</tr>", 1)[0]
    assert '<span class="badge badge-overdue">已超期</span>' in row
    assert f'href="{reverse("review:detail", args=[submission.uuid])}"' in row
    assert submission.reference in row
    assert applicant.document_number not in row
    assert (
        f'<td data-label="证件号码" class="nowrap">{mask_document_number(applicant.document_number)}</td>'
        in row
    )
    submitted = timezone.localtime(submission.submitted_at).strftime("%Y-%m-%d %H:%M")
    assert f'<td data-label="提交时间" class="nowrap">{submitted}</td>' in row
    assert '<span class="status status-pending">待审核</span>' in row


def test_no_rows_says_so(departments, reviewer_for):
    html = reviewer_for("630102").get(reverse("review:queue"), {"q": "没有这个人"}).content.decode()
    assert '<tr class="queue-empty"><td colspan="8">没有符合条件的记录。</td></tr>' in html


def test_the_filters_keep_what_was_chosen(departments, reviewer_for):
    html = reviewer_for("630000").get(reverse("review:queue")).content.decode()
    status = html.split('id="f-status"', 1)[1].split("</select>", 1)[0]
    assert '<option value="pending" selected>待审核</option>' in status and 'value="draft"' not in status

    html = (
        reviewer_for("630000")
        .get(reverse("review:queue"), {"status": "approved", "department": "630102"})
        .content.decode()
    )
    status = html.split('id="f-status"', 1)[1].split("</select>", 1)[0]
    department = html.split('id="f-department"', 1)[1].split("</select>", 1)[0]
    assert '<option value="approved" selected>' in status and 'pending" selected' not in status
    assert f'<option value="630102" selected>{departments["630102"].name}</option>' in department
    assert department.count(" selected") == 1


# --- each field of a row, on the page and through the API ------------------------------------------------

NAME_OUTSIDE_THE_BMP = "𠀀<b>&\"'"  # U+20000 and the characters escaping must turn into entities


@pytest.fixture
def three_rows(departments):
    """Three pending rows of 城东区, in this order: an overdue one whose name is outside the BMP with markup
    in it; one that only its releasing department reaches, with no reviewing department (routing always
    gives one, but the column allows none: written directly); one without a due date. The department's
    name has markup in it too."""
    today = timezone.localdate()
    outside_the_bmp, without_department, without_due_date = pending_submissions(departments, count=3)
    applicant = outside_the_bmp.applicant
    applicant.full_name = NAME_OUTSIDE_THE_BMP
    applicant.save(update_fields=["full_name"])
    Submission.objects.filter(pk=outside_the_bmp.pk).update(due_on=today - timedelta(days=1))
    Submission.objects.filter(pk=without_department.pk).update(
        department=None, releasing_department=departments["630102"]
    )
    Submission.objects.filter(pk=without_due_date.pk).update(due_on=None)
    department = departments["630102"]
    department.name = "城东区<财政>&局"
    department.save(update_fields=["name"])
    made = [outside_the_bmp, without_department, without_due_date]
    by_pk = Submission.objects.select_related("applicant", "department").in_bulk([row.pk for row in made])
    return [by_pk[row.pk] for row in made]


def waited(submission) -> int:
    return working_days_between(
        start=timezone.localtime(submission.submitted_at).date(), end=timezone.localdate()
    )


def test_each_row_holds_plain_values_field_by_field(three_rows, reviewer_for, monkeypatch):
    """Read at once (one page) and by the page's ids (two a page), the same values, and no model instance."""
    reviewer = reviewer_for("630102")
    for page_size in (50, 2):
        monkeypatch.setattr(selectors, "PAGE_SIZE", page_size)
        first = reviewer.get(reverse("review:queue"))
        pages = first.context["page"].paginator.num_pages
        assert pages == (1 if page_size == 50 else 2)
        rows = list(first.context["rows"])
        for number in range(2, pages + 1):
            rows += reviewer.get(reverse("review:queue"), {"page": number}).context["rows"]
        by_uuid = {row.item.uuid: row for row in rows}
        assert len(by_uuid) == 3
        for submission in three_rows:
            row = by_uuid[submission.uuid]
            department = submission.department
            assert row.item == QueueItem(
                uuid=submission.uuid,
                reference=reference_of(submission.uuid),
                kind="initial",
                status="pending",
                submitted_at=submission.submitted_at,
                due_on=submission.due_on,
                full_name=submission.applicant.full_name,
                masked_document_number=mask_document_number(submission.applicant.document_number or ""),
                department=QueueDepartment(division_id=department.division_id, name=department.name)
                if department
                else None,
            )
            assert not any(isinstance(value, Model) for value in (*row.item, *(row.item.department or ())))
            assert submission.applicant.document_number not in row.item
            assert (row.kind_label, row.status_label) == ("信息采集", "待审核")
            assert row.waited == waited(submission)
            assert row.overdue == (submission.due_on is not None and submission.due_on < timezone.localdate())
    outside_the_bmp, without_department, _ = three_rows
    assert by_uuid[outside_the_bmp.uuid].item.full_name == NAME_OUTSIDE_THE_BMP
    assert by_uuid[without_department.uuid].item.department is None


def test_the_page_shows_each_field_escaped(three_rows, reviewer_for):
    html = reviewer_for("630102").get(reverse("review:queue")).content.decode()
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    outside_the_bmp, without_department, without_due_date = three_rows
    department_cell = '<td data-label="审核部门">城东区&lt;财政&gt;&amp;局</td>'
    for submission, state, due_cell, department in (
        (
            outside_the_bmp,
            " is-overdue",
            f"{outside_the_bmp.due_on.isoformat()}{OVERDUE_BADGE}",
            department_cell,
        ),
        (without_department, "", without_department.due_on.isoformat(), '<td data-label="审核部门"></td>'),
        (without_due_date, "", "", department_cell),
    ):
        number = mask_document_number(submission.applicant.document_number)
        assert number != submission.applicant.document_number
        name = escape(submission.applicant.full_name)
        submitted = timezone.localtime(submission.submitted_at).strftime("%Y-%m-%d %H:%M")
        expected = (
            f'<tr class="queue-card{state}">'
            f'<td data-label="截止日期">{due_cell}</td>'
            '<td data-label="类型">信息采集</td>'
            f'<td data-label="姓名" class="queue-name"><a href="{reverse("review:detail", args=[submission.uuid])}">'
            f'{name}</a> <span class="hint">{submission.uuid.hex[:8].upper()}</span></td>'
            f'<td data-label="证件号码" class="nowrap">{number}</td>'
            f"{department}"
            f'<td data-label="提交时间" class="nowrap">{submitted}</td>'
            f'<td data-label="已等待">{waited(submission)} 个工作日</td>'
            '<td data-label="状态"><span class="status status-pending">待审核</span></td>'
            "</tr>"
        )
        assert expected in rows
    assert "𠀀&lt;b&gt;&amp;&quot;&#x27;</a>" in rows
    assert rows.count('<tr class="queue-card') == 3


def test_the_api_shows_each_field(three_rows, reviewer_for):
    body = Api(reviewer_for("630102").staff).get(QUEUE).json()
    items = {item["uuid"]: item for item in body["items"]}
    assert len(items) == 3
    for submission in three_rows:
        department = submission.department
        assert items[str(submission.uuid)] == {
            "uuid": str(submission.uuid),
            "reference": submission.uuid.hex[:8].upper(),
            "kind": "initial",
            "kind_label": "信息采集",
            "status": "pending",
            "status_label": "待审核",
            "full_name": submission.applicant.full_name,
            "document_number": mask_document_number(submission.applicant.document_number or ""),
            "department": {"code": department.division_id, "name": department.name} if department else None,
            "submitted_at": DjangoJSONEncoder().default(submission.submitted_at),  # to the millisecond
            "due_on": submission.due_on.isoformat() if submission.due_on else None,
            "waited_working_days": waited(submission),
            "overdue": submission.due_on is not None and submission.due_on < timezone.localdate(),
            "due_soon": False,
        }
    assert items[str(three_rows[0].uuid)]["full_name"] == NAME_OUTSIDE_THE_BMP
