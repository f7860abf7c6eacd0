"""A task left RUNNING by a killed worker is run again by the next one, and given up after 3 claims.

Requirements covered:
- a task RUNNING longer than --older-than goes back to READY and a worker then runs it to SUCCESSFUL;
- one RUNNING for less is left alone (it may be running); finished tasks are not touched;
- a task already claimed max_attempts times is FAILED with the reason, not run again.
"""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kuaiji.accounts.sms import read_outbox
from kuaiji.accounts.tasks import send_sms
from kuaiji.core.task_recovery import WORKER_LOST

from .conftest import run_worker_once


def claimed(*, minutes_ago: int, workers: list[str], mobile: str = "13800000000") -> DBTaskResult:
    """A task as a worker leaves it when killed mid-run."""
    result = send_sms.enqueue(mobile=mobile, text="验证码 123456")
    row = DBTaskResult.objects.get(id=result.id)
    row.status = TaskResultStatus.RUNNING
    row.started_at = timezone.now() - timedelta(minutes=minutes_ago)
    row.worker_ids = workers
    row.save()
    return row


@pytest.mark.django_db
def test_a_lost_task_is_run_by_the_next_worker(database_tasks, capsys):
    lost = claimed(minutes_ago=30, workers=["killed-worker"])
    running = claimed(minutes_ago=1, workers=["busy-worker"], mobile="13800000001")

    call_command("requeue_stale_tasks", "--older-than", "600")
    run_worker_once()

    lost.refresh_from_db()
    running.refresh_from_db()
    assert "requeued 1, failed 0" in capsys.readouterr().out
    assert lost.status == TaskResultStatus.SUCCESSFUL
    assert lost.worker_ids == ["killed-worker", "replacement"]
    assert running.status == TaskResultStatus.RUNNING
    assert [message["mobile"] for message in read_outbox()] == ["13800000000"]


@pytest.mark.django_db
def test_a_task_that_keeps_losing_its_worker_is_given_up(database_tasks, capsys):
    poison = claimed(minutes_ago=30, workers=["w1", "w2", "w3"])

    call_command("requeue_stale_tasks", "--older-than", "600")
    run_worker_once()

    poison.refresh_from_db()
    assert "requeued 0, failed 1" in capsys.readouterr().out
    assert poison.status == TaskResultStatus.FAILED
    assert poison.exception_class_path == WORKER_LOST
    assert "3 times" in poison.traceback
    assert read_outbox() == []
