"""What the task tests share: the database task backend in a test, and one pass of a worker."""

import pytest
from django_tasks_db.management.commands.db_worker import Worker


@pytest.fixture
def database_tasks(settings, monkeypatch):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    # The worker drops "old" connections when it wakes; inside a test's transaction (autocommit off) Django
    # counts the connection as unusable and closes it, which on PostgreSQL ends the test's transaction.
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker_once() -> None:
    Worker(
        queue_names=["default", "recognition"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="replacement",
        excluded_queue_names=[],
    ).run()
