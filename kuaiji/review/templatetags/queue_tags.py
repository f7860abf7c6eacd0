"""The review queue's table rows, rendered in Python.

A queue page is 50 rows of eight cells; as template markup each row cost about a dozen variable nodes,
a ``{% url %}`` and a ``|date``, which together were two thirds of the page's time (bench/api_bench.py,
``KUAIJI_BENCH_PROFILE``). Here one ``format_html`` a row does the same escaping. The markup is that of
``review/queue.html`` before (the phone's card layout keys on its classes and ``data-label``s)."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from kuaiji.review.selectors import QueueRow

register = template.Library()

ROW = (
    '<tr class="queue-card{}">'
    '<td data-label="截止日期">{}{}</td>'
    '<td data-label="类型">{}</td>'
    '<td data-label="姓名" class="queue-name"><a href="{}">{}</a> <span class="hint">{}</span></td>'
    '<td data-label="证件号码" class="nowrap">{}</td>'
    '<td data-label="审核部门">{}</td>'
    '<td data-label="提交时间" class="nowrap">{}</td>'
    '<td data-label="已等待">{} 个工作日</td>'
    '<td data-label="状态"><span class="status status-{}">{}</span></td>'
    "</tr>"
)
EMPTY = '<tr class="queue-empty"><td colspan="8">没有符合条件的记录。</td></tr>'
OVERDUE_BADGE = mark_safe(' <span class="badge badge-overdue">已超期</span>')
DUE_SOON_BADGE = mark_safe(' <span class="badge badge-due">即将到期</span>')


def _cells(row: QueueRow) -> tuple:
    submission = row.submission
    submitted_at = submission.submitted_at
    return (
        " is-overdue" if row.overdue else " is-due-soon" if row.due_soon else "",
        submission.due_on.isoformat() if submission.due_on else "",
        OVERDUE_BADGE if row.overdue else DUE_SOON_BADGE if row.due_soon else "",
        row.kind_label,
        reverse("review:detail", args=[submission.uuid]),
        submission.applicant.full_name,
        submission.reference,
        row.masked_document_number,
        submission.department.name if submission.department else "",
        timezone.localtime(submitted_at).strftime("%Y-%m-%d %H:%M") if submitted_at else "",
        row.waited,
        submission.status,
        row.status_label,
    )


@register.simple_tag
def queue_rows(rows: list[QueueRow]) -> SafeString:
    if not rows:
        return mark_safe(EMPTY)
    return format_html_join("\n", ROW, (_cells(row) for row in rows))
