from django_tasks import task

from . import services


@task()
def run_export_task(*, job_pk: int) -> str:
    return services.run_export(job_pk).state
