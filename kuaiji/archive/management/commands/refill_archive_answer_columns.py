from django.core.management.base import BaseCommand

from kuaiji.archive.services import refill_answer_columns


class Command(BaseCommand):
    help = (
        "Copy each archive record's accounting post and unit nature from its current version's answers "
        "(idempotent; run once after the deploy that added the columns)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"refilled {refill_answer_columns()} archive record(s)")
