"""A task that fails with an error is tried again later, a few times, then left FAILED.

Requirements covered:
- an SMS the provider refused twice is queued again each time, after a growing delay, not run before
  its time, and sent once on the third attempt;
- one that always fails is tried MAX_ATTEMPTS times and the last attempt ends FAILED with the error;
- with the immediate backend (tests, the embedded demo) the next attempt runs at once.
"""

from datetime import timedelta

from django.utils import timezone

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kuaiji.accounts import tasks
from kuaiji.accounts.sms import OutboxBackend, read_outbox
from kuaiji.core.task_retry import MAX_ATTEMPTS, RETRY_DELAYS_SECONDS

from .conftest import run_worker_once


class ProviderDown(Exception):
    pass


@pytest.fixture
def flaky_provider(monkeypatch):
    """An SMS provider that refuses the first ``failures["left"]`` messages, then delivers."""
    failures = {"left": 2, "calls": 0}

    class Flaky(OutboxBackend):
        def send(self, *, mobile: str, text: str) -> None:
            failures["calls"] += 1
            if failures["left"] > 0:
                failures["left"] -= 1
                raise ProviderDown("503 from the provider")
            super().send(mobile=mobile, text=text)

    monkeypatch.setattr(tasks, "get_backend", lambda: Flaky())
    return failures


def _results() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.order_by("enqueued_at", "id"))


def _due_now() -> None:
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


@pytest.mark.django_db
def test_a_refused_message_is_sent_on_a_later_attempt(database_tasks, flaky_provider):
    tasks.send_sms.enqueue(mobile="13800000000", text="验证码 123456")

    run_worker_once()
    first, second = _results()
    assert first.status == TaskResultStatus.SUCCESSFUL
    assert "attempt 1 failed (ProviderDown)" in first.return_value
    assert second.status == TaskResultStatus.READY
    assert second.args_kwargs["kwargs"]["attempt"] == 2
    delay = (second.run_after - timezone.now()).total_seconds()
    assert RETRY_DELAYS_SECONDS[0] - 2 < delay <= RETRY_DELAYS_SECONDS[0]

    run_worker_once()  # not due yet: nothing runs
    assert flaky_provider["calls"] == 1

    _due_now()
    run_worker_once()
    third = _results()[2]
    delay = (third.run_after - timezone.now()).total_seconds()
    assert RETRY_DELAYS_SECONDS[1] - 2 < delay <= RETRY_DELAYS_SECONDS[1]  # the delay grows

    _due_now()
    run_worker_once()
    assert [result.status for result in _results()] == [TaskResultStatus.SUCCESSFUL] * 3
    assert [message["text"] for message in read_outbox()] == ["验证码 123456"]
    assert flaky_provider["calls"] == 3


@pytest.mark.django_db
def test_a_message_that_always_fails_ends_failed_after_the_last_attempt(database_tasks, flaky_provider):
    flaky_provider["left"] = 100
    tasks.send_sms.enqueue(mobile="13800000000", text="验证码 123456")

    for _ in range(MAX_ATTEMPTS + 2):
        _due_now()
        run_worker_once()

    results = _results()
    assert len(results) == MAX_ATTEMPTS
    assert [result.status for result in results[:-1]] == [TaskResultStatus.SUCCESSFUL] * (MAX_ATTEMPTS - 1)
    assert results[-1].status == TaskResultStatus.FAILED
    assert results[-1].exception_class_path.endswith("ProviderDown")
    assert flaky_provider["calls"] == MAX_ATTEMPTS
    assert read_outbox() == []


@pytest.mark.django_db
def test_the_immediate_backend_tries_again_at_once(flaky_provider):
    flaky_provider["left"] = 1
    result = tasks.send_sms.enqueue(mobile="13800000000", text="通知")

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert [message["text"] for message in read_outbox()] == ["通知"]
    assert flaky_provider["calls"] == 2
    assert timedelta(0) <= timezone.now() - result.enqueued_at < timedelta(seconds=5)
