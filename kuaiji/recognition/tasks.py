from django_tasks import task


@task()
def recognise_card(*, reading_id: int) -> str:
    """Read one ID card photo (``services.recognise``) on the worker, right after upload."""
    from .services import recognise

    return recognise(reading_id)
