"""Exports made in the background (我的导出): asked for on a list page, made by the worker into private
storage with the requester's scope and masking as of that moment, downloaded by the requester only until
they expire. Every step is audited: the request with its filters, the file with its row count, each
download."""

import tempfile
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from kuaiji.accounts.models import User
from kuaiji.accounts.permissions import may_export_full_numbers
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core import spreadsheets
from kuaiji.core.exporting import ListExport
from kuaiji.core.storage import delete_stored_file, save_private_file

from .constants import ExportKind, ExportState
from .models import ExportJob


def _source(job: ExportJob) -> tuple[ListExport, str]:
    """What the job's kind holds, read now with the requester's scope (their department may have
    changed since they asked: the file shows what they may see when it is made), and the file's stem."""
    from kuaiji.archive.exports import DEPARTMENT_FILE_STEM, archive_export, department_export
    from kuaiji.review.exports import queue_export

    builds = {
        ExportKind.ARCHIVE_SEARCH: (archive_export, "archive"),
        ExportKind.DEPARTMENT_PERSONNEL: (department_export, DEPARTMENT_FILE_STEM),
        ExportKind.REVIEW_QUEUE: (queue_export, "review-queue"),
    }
    if job.kind not in builds:
        raise ValidationError(f"没有“{job.kind}”这种导出", code="kind")
    build, stem = builds[ExportKind(job.kind)]
    return build(staff=job.created_by, params=job.params, full_numbers=job.full_numbers), stem


def request_export(
    *, staff: User, kind: str, params: dict[str, str], format: str, full_numbers: bool, request: Any = None
) -> ExportJob:
    """Queue an export of ``kind`` with the list page's ``params``. Whole document numbers need the
    permission (PermissionDenied otherwise); an unknown kind or format is a ValidationError."""
    if full_numbers and not may_export_full_numbers(staff):
        raise PermissionDenied
    if kind not in ExportKind.values or format not in spreadsheets.FORMATS:
        raise ValidationError("导出内容或格式不正确", code="invalid")
    with transaction.atomic():
        job = ExportJob.objects.create(
            created_by=staff, kind=kind, params=params, format=format, full_numbers=full_numbers
        )
        record_event(
            action=AuditAction.EXPORT_REQUESTED,
            actor=staff,
            target=job,
            request=request,
            details={
                "kind": kind,
                "format": format,
                "params": params,
                "document_numbers": "full" if full_numbers else "masked",
            },
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_pk: int) -> None:
    from .tasks import run_export_task

    run_export_task.enqueue(job_pk=job_pk)


def run_export(job_pk: int) -> ExportJob:
    """Make the file (a row at a time, into a temporary file, then into private storage), tell the
    person, and keep it for ``KUAIJI_EXPORT_KEEP_DAYS``. A job already made is left alone."""
    from kuaiji.accounts.services.notices import notify

    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("created_by").get(pk=job_pk)
        if job.state not in (ExportState.QUEUED, ExportState.RUNNING):
            return job
        job.state = ExportState.RUNNING
        job.save(update_fields=["state"])
    try:
        source, stem = _source(job)
        with tempfile.TemporaryFile() as spool:
            count = spreadsheets.write_rows(spool, header=source.header, rows=source.rows, format=job.format)
            spool.seek(0)
            stored = save_private_file(spool, prefix="exports", extension=f".{job.format}")
    except ValidationError as error:
        ExportJob.objects.filter(pk=job.pk).update(state=ExportState.FAILED, error=error.messages[0][:300])
        job.refresh_from_db()
        return job
    now = timezone.now()
    try:
        with transaction.atomic():
            job.state, job.row_count, job.file = ExportState.DONE, count, stored
            job.file_name = f"{stem}-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.{job.format}"
            job.finished_at, job.expires_at = now, now + timedelta(days=settings.KUAIJI_EXPORT_KEEP_DAYS)
            job.save()
            record_event(
                action=AuditAction.EXPORT_COMPLETED,
                actor=job.created_by,
                target=job,
                details={
                    "kind": job.kind,
                    "filters": source.filters,
                    "rows": count,
                    "format": job.format,
                    "document_numbers": "full" if job.full_numbers else "masked",
                },
            )
            notify(
                user=job.created_by,
                text=f"您申请的导出（{job.get_kind_display()}，{count} 条）已生成，请在“我的导出”中下载。",
                link=reverse("exports:list"),
                sms=False,
            )
    except Exception:
        delete_stored_file(stored)
        raise
    return job


def job_for_download(*, job_uuid: Any, staff: User, request: Any = None) -> ExportJob:
    """The requester's own finished, unexpired job (404 for anyone else's or one that is gone), with
    the download audited."""
    job = ExportJob.objects.filter(uuid=job_uuid, created_by=staff, state=ExportState.DONE).first()
    if job is None or (job.expires_at is not None and job.expires_at <= timezone.now()):
        raise Http404("导出不存在或已过期")
    record_event(
        action=AuditAction.EXPORT_DOWNLOADED,
        actor=staff,
        target=job,
        request=request,
        details={"kind": job.kind, "rows": job.row_count, "format": job.format},
    )
    return job


def prune_expired_exports(*, now: Any = None) -> int:
    """Delete the files of exports past their expiry (the rows stay, marked 已过期); returns how many."""
    now = now or timezone.now()
    pruned = 0
    for job in ExportJob.objects.filter(state=ExportState.DONE, expires_at__lte=now).iterator():
        delete_stored_file(job.file.name)
        ExportJob.objects.filter(pk=job.pk).update(state=ExportState.EXPIRED, file="")
        pruned += 1
    return pruned
