"""The review queue's table rows, rendered in Python.

A queue page is 50 rows of eight cells; as template markup each row cost about a dozen variable nodes,
a ``{% url %}`` and a ``|date``, which together were two thirds of the page's time (bench/api_bench.py,
``KUAIJI_BENCH_PROFILE``). Here each row is one string: the detail link is reversed once a page, and only
the cells a person or a department typed (name, masked number, department) are escaped — the rest are
dates, numbers, hex references and the project's own labels. The markup is that of ``review/queue.html``
before (the phone's card layout keys on its classes and ``data-label``s)."""

from html import escape
from uuid import UUID

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from kuaiji.review.selectors import QueueRow

register = template.Library()

EMPTY = '<tr class="queue-empty"><td colspan="8">没有符合条件的记录。</td></tr>'
OVERDUE_BADGE = ' <span class="badge badge-overdue">已超期</span>'
DUE_SOON_BADGE = ' <span class="badge badge-due">即将到期</span>'
_PLACEHOLDER = UUID(int=0)


def _row(row: QueueRow, detail_url: str) -> str:
    item = row.item
    submitted_at = item.submitted_at
    state = " is-overdue" if row.overdue else " is-due-soon" if row.due_soon else ""
    badge = OVERDUE_BADGE if row.overdue else DUE_SOON_BADGE if row.due_soon else ""
    due_on = item.due_on.isoformat() if item.due_on else ""
    department = escape(item.department.name) if item.department else ""
    submitted = timezone.localtime(submitted_at).strftime("%Y-%m-%d %H:%M") if submitted_at else ""
    link = detail_url.replace(str(_PLACEHOLDER), str(item.uuid))
    return (
        f'<tr class="queue-card{state}">'
        f'<td data-label="截止日期">{due_on}{badge}</td>'
        f'<td data-label="类型">{escape(row.kind_label)}</td>'
        f'<td data-label="姓名" class="queue-name"><a href="{link}">{escape(item.full_name)}</a>'
        f' <span class="hint">{escape(item.reference)}</span></td>'
        f'<td data-label="证件号码" class="nowrap">{escape(row.item.masked_document_number)}</td>'
        f'<td data-label="审核部门">{department}</td>'
        f'<td data-label="提交时间" class="nowrap">{submitted}</td>'
        f'<td data-label="已等待">{int(row.waited)} 个工作日</td>'
        f'<td data-label="状态"><span class="status status-{escape(item.status)}">'
        f"{escape(row.status_label)}</span></td>"
        "</tr>"
    )


@register.simple_tag
def queue_rows(rows: list[QueueRow]) -> SafeString:
    if not rows:
        return mark_safe(EMPTY)
    detail_url = reverse("review:detail", args=[_PLACEHOLDER])
    return mark_safe("\n".join(_row(row, detail_url) for row in rows))  # each cell is escaped in _row
