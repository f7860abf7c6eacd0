from django.core.management.base import BaseCommand

from kuaiji.collection.reminders import remind_stalled


class Command(BaseCommand):
    help = "Remind people whose draft or returned submission has waited KUAIJI_STALLED_DRAFT_DAYS (daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"{remind_stalled()} people reminded")
