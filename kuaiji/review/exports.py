"""The review queue as an export: the same filters, scope and order as the page (``selectors``)."""

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from kuaiji.collection.constants import Status, SubmissionKind
from kuaiji.collection.models import Submission, reference_of
from kuaiji.core.exporting import ListExport
from kuaiji.core.validators import mask_document_number

from . import selectors

QUEUE_EXPORT_HEADER = ("登记编号", "类型", "姓名", "证件号码", "审核部门", "提交时间", "审核截止日期", "状态")


def _rows(submissions: QuerySet[Submission], *, full_numbers: bool) -> Iterator[tuple[str, ...]]:
    kinds, statuses = dict(SubmissionKind.choices), dict(Status.choices)
    rows = submissions.values_list(
        "uuid",
        "kind",
        "applicant__full_name",
        "applicant__document_number",
        "department__name",
        "submitted_at",
        "due_on",
        "status",
    ).iterator(chunk_size=2000)
    for uuid, kind, name, number, department, submitted_at, due_on, status in rows:
        yield (
            reference_of(uuid),
            str(kinds.get(kind, kind)),
            name,
            (number or "") if full_numbers else mask_document_number(number or ""),
            department or "",
            timezone.localtime(submitted_at).strftime("%Y-%m-%d %H:%M") if submitted_at else "",
            due_on.isoformat() if due_on else "",
            str(statuses.get(status, status)),
        )


def queue_export(*, staff: Any, params: Mapping[str, str], full_numbers: bool) -> ListExport:
    filters = selectors.queue_filters(params)
    submissions = selectors.queue_submissions(staff=staff, filters=filters)
    audit = {
        key: str(value)
        for key, value in (
            ("status", filters.status),
            ("kind", filters.kind),
            ("department", filters.department_code),
            ("from", filters.submitted_from),
            ("to", filters.submitted_to),
            # A search may be a whole document number: stored masked, as the page's audit does.
            ("q", mask_document_number(filters.q) if any(c.isdigit() for c in filters.q) else filters.q),
        )
        if value
    }
    return ListExport(
        header=QUEUE_EXPORT_HEADER,
        rows=_rows(submissions, full_numbers=full_numbers),
        count=submissions.count(),
        filters=audit,
    )
