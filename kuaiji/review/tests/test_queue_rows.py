"""The queue's rows, rendered in Python (review/templatetags/queue_tags.py): escaped, with the badges, the
link, the masked number and the names outside the BMP as they are."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest

from kuaiji.core.validators import mask_document_number
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
