"""The review queue exported as the page filters it: scope, masking, the filters in the audit, and the
same rows when made in the background."""

import io

from django.urls import reverse

import pytest
from python_calamine import CalamineWorkbook

from kuaiji.audit.models import AuditEvent
from kuaiji.core.validators import mask_document_number
from kuaiji.exports.models import ExportJob

pytestmark = pytest.mark.django_db


def rows_of(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_the_queue_export_holds_what_the_page_lists(
    submitted, reviewer_for, django_capture_on_commit_callbacks
):
    mine, _ = submitted("630102")
    elsewhere, _ = submitted("632801")  # 格尔木
    county = reviewer_for("630000")  # first collections are reviewed by the province
    page = county.get(reverse("review:queue")).content.decode()
    assert 'action="/review/export/"' in page and 'name="status"' in page

    response = county.get(reverse("review:export"), {"format": "xlsx", "status": "pending"})
    assert response.status_code == 200
    rows = rows_of(b"".join(response.streaming_content))
    assert rows[0] == ["登记编号", "类型", "姓名", "证件号码", "审核部门", "提交时间", "审核截止日期", "状态"]
    by_reference = {row[0]: row for row in rows[1:]}
    assert set(by_reference) == {mine.reference, elsewhere.reference}
    assert by_reference[mine.reference][3] == mask_document_number(mine.applicant.document_number)
    event = AuditEvent.objects.get(action="review.queue_exported")
    assert event.details["rows"] == 2 and event.details["filters"] == {"status": "pending"}

    with django_capture_on_commit_callbacks(execute=True):
        county.post(
            reverse("exports:request"),
            {
                "kind": "review_queue",
                "format": "csv",
                "param_status": "pending",
            },
        )
    job = ExportJob.objects.get()
    assert (job.state, job.row_count, job.file_name[:13]) == ("done", 2, "review-queue-")
    text = b"".join(county.get(reverse("exports:download", args=[job.uuid])).streaming_content).decode(
        "utf-8-sig"
    )
    assert mine.reference in text and mine.applicant.document_number not in text


def test_a_search_for_a_whole_number_is_audited_masked(submitted, reviewer_for):
    mine, _ = submitted("630102")
    county = reviewer_for("630000")
    number = mine.applicant.document_number
    rows = rows_of(
        b"".join(county.get(reverse("review:export"), {"format": "xlsx", "q": number}).streaming_content)
    )
    assert len(rows) == 2
    event = AuditEvent.objects.get(action="review.queue_exported")
    assert number not in str(event.details) and event.details["filters"]["q"] == mask_document_number(number)
