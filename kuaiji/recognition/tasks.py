from django_tasks import task

#: The queue card readings wait in (settings.TASK_QUEUES): its own, so SMS codes never wait behind them.
RECOGNITION_QUEUE = "recognition"


@task(queue_name=RECOGNITION_QUEUE)
def recognise_card(*, reading_id: int) -> str:
    """Read one ID card photo (``services.recognise``) on the worker, right after upload."""
    from .services import recognise

    return recognise(reading_id)
