from datetime import timedelta

from django.core.management.base import BaseCommand

from kuaiji.core.task_recovery import requeue_stale_tasks


class Command(BaseCommand):
    help = "Put tasks left RUNNING by a killed worker back on the queue (kuaiji.core.task_recovery)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=600,
            help="Seconds a task may run before it counts as lost (default 600; longer than any task).",
        )
        parser.add_argument(
            "--max-attempts", type=int, default=3, help="Claims after which a lost task fails (default 3)."
        )

    def handle(self, *args, older_than: int, max_attempts: int, **options):
        recovery = requeue_stale_tasks(older_than=timedelta(seconds=older_than), max_attempts=max_attempts)
        self.stdout.write(f"requeued {recovery.requeued}, failed {recovery.failed}")
