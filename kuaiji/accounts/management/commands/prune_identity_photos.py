from django.core.management.base import BaseCommand

from kuaiji.accounts.services import prune_unclaimed_identity_photos


class Command(BaseCommand):
    help = "Delete ID photos from registrations or appeals that were never completed (older than a day)."

    def handle(self, *args, **options):
        self.stdout.write(f"pruned {prune_unclaimed_identity_photos()} unclaimed photos")
