"""Is the data whole? The reads behind ``manage.py check_consistency`` (the fault drills end with it).

Each function returns what it found wrong as :class:`Problem` rows, nothing when all is well; none of
them writes. What they check:

- every stored-file reference (an attachment, a submitted revision's attachments, an identity photo, an
  uploaded register, an export, a notice's attachment) has
  its file in the default storage;
- every file in the storage is referenced by a row (no orphan), apart from files younger than a grace
  period (an upload stores its file a moment before its row commits);
- every decided submission (approved, returned, refused) has the audit event of that decision, and
  every approved one its archive version;
- no task has been RUNNING longer than the stale limit (its worker died and nobody requeued it), none
  has waited READY that long (no worker runs), none was given up as lost or failed.

The storage is listed page by page (S3: 1,000 keys a request) and the tables are read in batches, so
neither is held in memory whole beyond the set of referenced names.
"""

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.files.storage import Storage, default_storage
from django.utils import timezone

BATCH = 2000


@dataclass(frozen=True)
class Problem:
    kind: str  # a stable key: missing_file, orphan_file, decision_without_audit, …
    zh: str  # what a Chinese-reading operator reads
    en: str
    ref: str  # the object it is about (a uuid, a storage name, a task id)


PROBLEM_TITLES = {
    "missing_file": ("记录指向的文件不存在", "a record points at a missing file"),
    "orphan_file": ("存储中的文件没有任何记录指向", "a stored file no record points at"),
    "decision_without_audit": ("已审核的登记缺少审核日志", "a decided submission has no audit event"),
    "approval_without_archive": ("已通过的登记没有档案版本", "an approved submission has no archive version"),
    "task_stuck_running": ("任务运行超时未完成（工作进程可能已中断）", "a task stuck RUNNING"),
    "task_not_picked_up": ("任务长时间排队无人处理", "a task waiting READY too long"),
    "task_failed": ("任务失败或已放弃", "a task FAILED or given up"),
}


def _chunks(items: Iterable, size: int = BATCH) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _problem(kind: str, ref: str, detail_zh: str = "", detail_en: str = "") -> Problem:
    zh, en = PROBLEM_TITLES[kind]
    return Problem(
        kind=kind,
        zh=f"{zh}{'：' + detail_zh if detail_zh else ''}",
        en=f"{en}{': ' + detail_en if detail_en else ''}",
        ref=ref,
    )


def referenced_files() -> Iterator[tuple[str, str]]:
    """(storage name, what holds it) for every row that points at a stored file."""
    from kuaiji.accounts.models import IdentityPhoto
    from kuaiji.collection.models import Attachment

    for name, uuid in Attachment.objects.exclude(file="").values_list("file", "uuid").iterator(BATCH):
        yield name, f"attachment {uuid}"
    for name, uuid in IdentityPhoto.objects.exclude(file="").values_list("file", "uuid").iterator(BATCH):
        yield name, f"identity photo {uuid}"
    from kuaiji.imports.models import ImportBatch

    for name, uuid in ImportBatch.objects.exclude(file="").values_list("file", "uuid").iterator(BATCH):
        yield name, f"import batch {uuid}"
    from kuaiji.exports.models import ExportJob

    for name, uuid in ExportJob.objects.exclude(file="").values_list("file", "uuid").iterator(BATCH):
        yield name, f"export {uuid}"
    from kuaiji.announcements.models import AnnouncementAttachment

    for name, uuid in (
        AnnouncementAttachment.objects.exclude(file="").values_list("file", "uuid").iterator(BATCH)
    ):
        yield name, f"announcement attachment {uuid}"


def stored_files(storage: Storage | None = None) -> Iterator[tuple[str, datetime | None]]:
    """(name, last modified) of every file in ``storage``, read page by page."""
    storage = storage or default_storage
    bucket_name = getattr(storage, "bucket_name", None)
    if bucket_name:  # django-storages' S3: list_objects_v2, 1,000 keys a page
        client = storage.connection.meta.client  # type: ignore[attr-defined]  # S3Storage
        prefix = (getattr(storage, "location", "") or "").strip("/")
        prefix = f"{prefix}/" if prefix else ""
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket_name, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"][len(prefix) :], item["LastModified"]
        return
    location = getattr(storage, "location", None)
    if location is not None:  # FileSystemStorage: walk the folder
        root = os.path.abspath(location)
        for folder, _dirs, files in os.walk(root):
            for file in files:
                path = os.path.join(folder, file)
                name = os.path.relpath(path, root).replace(os.sep, "/")
                yield name, datetime.fromtimestamp(os.path.getmtime(path), tz=UTC)
        return
    raise NotImplementedError(f"cannot list {type(storage).__name__}")


def orphan_files(*, older_than: timedelta, storage: Storage | None = None) -> list[str]:
    """Stored files no row points at, stored more than ``older_than`` ago (listing first, rows after, as
    :func:`file_problems`)."""
    return [
        problem.ref
        for problem in file_problems(orphan_grace=older_than, storage=storage)
        if problem.kind == "orphan_file"
    ]


def file_problems(
    *, orphan_grace: timedelta = timedelta(minutes=10), storage: Storage | None = None
) -> list[Problem]:
    """Missing files (a row's file is not in the storage) and orphans (a stored file no row points at).

    The storage is listed first and the rows read after it, so a file stored and its row committed while
    the check runs is never called missing; a name not in the listing is asked of the storage once more
    (``exists``) before it is reported. An orphan younger than ``orphan_grace`` is left out: its row may
    not have committed yet."""
    storage = storage or default_storage
    now = timezone.now()
    stored: dict[str, datetime | None] = dict(stored_files(storage))
    problems: list[Problem] = []
    referenced: set[str] = set()
    for name, holder in referenced_files():
        referenced.add(name)
        if name not in stored and not storage.exists(name):
            problems.append(_problem("missing_file", holder, f"{holder} → {name}", f"{holder} → {name}"))
    for name, modified in stored.items():
        if name in referenced:
            continue
        if modified is not None and now - modified < orphan_grace:
            continue
        problems.append(_problem("orphan_file", name, name, name))
    return problems


def decision_problems() -> list[Problem]:
    """A decided submission without its decision's audit event; an approved one without its archive version."""
    from kuaiji.audit.models import AuditEvent
    from kuaiji.collection.constants import Status
    from kuaiji.collection.models import Submission
    from kuaiji.collection.workflow import TRANSITIONS

    decision_action = {
        status: TRANSITIONS[Status.PENDING][status]
        for status in (Status.APPROVED, Status.RETURNED, Status.REFUSED)
    }
    problems: list[Problem] = []
    decided = Submission.objects.filter(status__in=list(decision_action)).values_list("uuid", "status")
    for chunk in _chunks(decided.iterator(BATCH)):
        ids = [str(uuid) for uuid, _status in chunk]
        recorded = set(
            AuditEvent.objects.filter(
                target_type="collection.submission",
                target_id__in=ids,
                action__in=list(decision_action.values()),
            ).values_list("target_id", "action")
        )
        for uuid, status in chunk:
            if (str(uuid), decision_action[Status(status)].value) not in recorded:
                problems.append(
                    _problem(
                        "decision_without_audit",
                        str(uuid),
                        f"登记 {uuid}（{Status(status).label}）",
                        f"submission {uuid} ({status})",
                    )
                )
    unarchived = (
        Submission.objects.filter(status=Status.APPROVED)
        .exclude(revisions__archive_version__isnull=False)
        .values_list("uuid", flat=True)
    )
    for uuid in unarchived.iterator(BATCH):
        problems.append(_problem("approval_without_archive", str(uuid), f"登记 {uuid}", f"submission {uuid}"))
    return problems


def task_problems(
    *, stale_after: timedelta = timedelta(minutes=10), since: datetime | None = None
) -> list[Problem]:
    """Tasks a dead worker left RUNNING, tasks no worker picked up, tasks that failed or were given up.

    ``stale_after`` is ``requeue_stale_tasks``' limit: a task RUNNING longer has lost its worker; a READY
    one (due) waiting as long has no worker at all. ``since`` limits the failures reported to the tasks
    enqueued after it (a drill's own)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .task_recovery import WORKER_LOST

    cutoff = timezone.now() - stale_after
    problems: list[Problem] = []
    for row in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).only(
        "id", "task_path", "started_at", "worker_ids"
    ):
        problems.append(
            _problem(
                "task_stuck_running",
                str(row.id),
                f"{row.task_path} 自 {row.started_at:%Y-%m-%d %H:%M:%S} 起运行（{', '.join(row.worker_ids)}）",
                f"{row.task_path} running since {row.started_at:%Y-%m-%d %H:%M:%S} ({', '.join(row.worker_ids)})",
            )
        )
    # Due (no run_after, which the backend stores as the greatest date, or one already past) and waiting.
    waiting = (
        DBTaskResult.objects.ready()
        .filter(enqueued_at__lt=cutoff)
        .exclude(run_after__range=(cutoff, timezone.now()))
    )
    for row in waiting.only("id", "task_path", "enqueued_at"):
        problems.append(
            _problem(
                "task_not_picked_up",
                str(row.id),
                f"{row.task_path} 自 {row.enqueued_at:%Y-%m-%d %H:%M:%S} 起排队",
                f"{row.task_path} enqueued {row.enqueued_at:%Y-%m-%d %H:%M:%S}",
            )
        )
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    if since is not None:
        failed = failed.filter(enqueued_at__gte=since)
    for row in failed.only("id", "task_path", "exception_class_path"):
        lost = row.exception_class_path == WORKER_LOST
        problems.append(
            _problem(
                "task_failed",
                str(row.id),
                f"{row.task_path}（{'工作进程多次中断，已放弃' if lost else row.exception_class_path}）",
                f"{row.task_path} ({'worker lost, given up' if lost else row.exception_class_path})",
            )
        )
    return problems


def task_counts() -> dict[str, int]:
    """How many tasks are in each state (the report shows enqueued against done)."""
    from django.db.models import Count

    from django_tasks_db.models import DBTaskResult

    return dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def consistency_problems(
    *,
    orphan_grace: timedelta = timedelta(minutes=10),
    stale_after: timedelta = timedelta(minutes=10),
    tasks_since: datetime | None = None,
) -> list[Problem]:
    """Everything above, in one list."""
    return [
        *file_problems(orphan_grace=orphan_grace),
        *decision_problems(),
        *task_problems(stale_after=stale_after, since=tasks_since),
    ]
