"""The check and the import run on the worker (django-tasks); the page shows their progress."""

from django_tasks import task

from . import services


@task()
def check_batch_task(*, batch_pk: int) -> str:
    return services.check_batch(batch_pk).state


@task()
def import_batch_task(*, batch_pk: int) -> str:
    # Killed midway, the task is run again by the next worker (core.task_recovery) and carries on
    # with the lines still VALID.
    return services.import_batch(batch_pk).state
