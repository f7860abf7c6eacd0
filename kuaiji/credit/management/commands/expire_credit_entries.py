from django.core.management.base import BaseCommand

from kuaiji.credit.services import expire_entries


class Command(BaseCommand):
    help = "Mark published credit entries whose period has ended as expired (daily; the public never sees them either way)."

    def handle(self, *args, **options):
        self.stdout.write(f"{expire_entries()} credit entries expired")
