"""Exports in the background (我的导出): asked for from the archive search, made by the worker with the
requester's scope and masking, listed and downloaded by the requester only, audited, and gone after the
expiry. The export that comes at once is XLSX or CSV from the same rows."""

import io
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

import pytest
from python_calamine import CalamineWorkbook

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.models import Notification
from kuaiji.audit.models import AuditEvent
from kuaiji.core.validators import mask_document_number
from kuaiji.exports.constants import ExportState
from kuaiji.exports.models import ExportJob
from kuaiji.exports.services import prune_expired_exports

pytestmark = pytest.mark.django_db


def rows_of(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def ask(client, *, full=False, **params):
    data = {"kind": "archive_search", "format": "xlsx", **{f"param_{k}": v for k, v in params.items()}}
    if full:
        data["document_numbers"] = "full"
    return client.post(reverse("exports:request"), data)


def test_a_background_export_is_made_listed_downloaded_and_audited(
    make_record, reviewer_for, django_capture_on_commit_callbacks
):
    mine = make_record(full_name="林晓芸", employer_name="=HYPERLINK(1)")
    make_record(full_name="林深")
    make_record("632801", full_name="林远")  # 格尔木: outside 城东区's scope
    county = reviewer_for("630102")
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(county, name="林")
    assert response.status_code == 302 and response["Location"] == reverse("exports:list")
    job = ExportJob.objects.get()
    assert (job.state, job.row_count, job.params) == (ExportState.DONE, 2, {"name": "林"})
    assert default_storage.exists(job.file.name)
    assert Notification.objects.filter(user=county.staff, link=reverse("exports:list")).exists()

    listing = county.get(reverse("exports:list")).content.decode()
    assert reverse("exports:download", args=[job.uuid]) in listing and "可下载" in listing
    download = county.get(reverse("exports:download", args=[job.uuid]))
    assert download.status_code == 200
    rows = rows_of(b"".join(download.streaming_content))
    assert rows[0][:2] == ["姓名", "证件号码"] and len(rows) == 3
    numbers = {row[1] for row in rows[1:]}
    assert mask_document_number(mine.document_number) in numbers and mine.document_number not in numbers
    assert "=HYPERLINK(1)" in {row[3] for row in rows[1:]}  # text in the cell, never a formula

    actions = list(AuditEvent.objects.filter(actor=county.staff).values_list("action", flat=True))
    assert {"export.requested", "export.completed", "export.downloaded"} <= set(actions)
    completed = AuditEvent.objects.get(action="export.completed")
    assert completed.details["rows"] == 2 and completed.details["filters"] == {"name": "林"}


def test_only_the_requester_downloads_and_whole_numbers_need_the_permission(
    make_record, reviewer_for, django_capture_on_commit_callbacks
):
    record = make_record(full_name="林晓芸")
    county = reviewer_for("630102")
    assert ask(county, full=True).status_code == 403
    assert not ExportJob.objects.exists()

    admin = reviewer_for("630102", role=StaffRole.DEPARTMENT_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        ask(admin, full=True)
    job = ExportJob.objects.get()
    assert job.full_numbers
    rows = rows_of(b"".join(admin.get(reverse("exports:download", args=[job.uuid])).streaming_content))
    assert rows[1][1] == record.document_number
    colleague = reviewer_for("630102", role=StaffRole.DEPARTMENT_ADMIN)
    assert colleague.get(reverse("exports:download", args=[job.uuid])).status_code == 404
    assert (
        reverse("exports:download", args=[job.uuid])
        not in colleague.get(reverse("exports:list")).content.decode()
    )


def test_an_expired_export_is_deleted_and_cannot_be_downloaded(
    make_record, reviewer_for, django_capture_on_commit_callbacks
):
    make_record()
    county = reviewer_for("630102")
    with django_capture_on_commit_callbacks(execute=True):
        ask(county)
    job = ExportJob.objects.get()
    name = job.file.name
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert county.get(reverse("exports:download", args=[job.uuid])).status_code == 404
    assert prune_expired_exports() == 1
    job.refresh_from_db()
    assert job.state == ExportState.EXPIRED and not job.file and not default_storage.exists(name)


def test_the_export_that_comes_at_once_is_an_xlsx_of_the_same_rows(make_record, reviewer_for):
    record = make_record(full_name="林晓芸")
    county = reviewer_for("630102")
    response = county.get(reverse("archive:export"), {"format": "xlsx", "name": "林"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = rows_of(b"".join(response.streaming_content))
    assert rows[1][:2] == ["林晓芸", mask_document_number(record.document_number)]
    assert county.get(reverse("archive:export"), {"format": "pdf"}).status_code == 400


def test_a_platform_admin_may_ask_for_whole_numbers(make_record, reviewer_for):
    make_record()
    platform = reviewer_for("630000")
    platform.staff.groups.add(Group.objects.get_or_create(name=StaffRole.PLATFORM_ADMIN)[0])
    assert ask(platform, full=True).status_code == 302


def test_an_export_the_storage_refuses_ends_failed_with_the_reason(
    make_record, reviewer_for, django_capture_on_commit_callbacks, monkeypatch
):
    make_record()
    county = reviewer_for("630102")

    from django.core.files.storage import FileSystemStorage

    from botocore.exceptions import EndpointConnectionError  # type: ignore[import-untyped]

    def refuse(*args, **kwargs):
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9/")  # as an S3 endpoint that is gone

    monkeypatch.setattr(FileSystemStorage, "_save", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        ask(county)
    job = ExportJob.objects.get()
    assert job.state == ExportState.FAILED and "文件存储服务暂时不可用" in job.error
    assert "生成失败" in county.get(reverse("exports:list")).content.decode()
