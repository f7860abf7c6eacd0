from django.core.cache import cache

from django_tasks import task

from . import services


@task()
def refresh_statistics_task() -> float:
    """The summary tables counted again by the worker; the seconds it took."""
    try:
        return services.refresh_statistics().seconds
    finally:
        cache.delete(services.REFRESH_QUEUED_KEY)
