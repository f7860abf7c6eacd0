"""Tasks whose worker died: put back on the queue, or given up after a few tries.

django-tasks' database backend marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED
when it ends. A worker stopped with SIGTERM (a deploy, ``systemctl stop``) finishes the task it holds
first; one that is killed (SIGKILL, out of memory, the host lost) leaves its task RUNNING for ever:
the backend has no heartbeat and no retry. :func:`requeue_stale_tasks` (the ``requeue_stale_tasks``
command, run every few minutes and before a worker starts) returns such tasks to READY once they have
been running longer than any task may, and fails a task that has already been claimed
``max_attempts`` times (one that kills its worker each time must not kill them all).

Delivery is therefore at least once: a worker killed after the task's effect and before it recorded
success runs it again. Kuaiji's tasks tolerate that (an SMS sent twice says the same thing twice).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

# What a FAILED task given up on this way records as its exception.
WORKER_LOST = "kuaiji.core.task_recovery.WorkerLost"


@dataclass(frozen=True)
class Recovery:
    requeued: int
    failed: int


def requeue_stale_tasks(*, older_than: timedelta, max_attempts: int = 3) -> Recovery:
    """Return tasks RUNNING since before ``older_than`` ago to READY; fail those claimed ``max_attempts`` times."""
    cutoff = timezone.now() - older_than
    requeued = failed = 0
    with transaction.atomic():
        stale = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        )
        for result in stale:
            if len(result.worker_ids) >= max_attempts:
                result.status = TaskResultStatus.FAILED
                result.finished_at = timezone.now()
                result.exception_class_path = WORKER_LOST
                result.traceback = (
                    f"The worker stopped while running this task {len(result.worker_ids)} times "
                    f"(workers {', '.join(result.worker_ids)}); not tried again."
                )
                result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                failed += 1
            else:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                requeued += 1
    return Recovery(requeued=requeued, failed=failed)
