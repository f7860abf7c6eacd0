from django.core.management.base import BaseCommand

from kuaiji.exports.services import prune_expired_exports


class Command(BaseCommand):
    help = "Delete the files of exports past their expiry (run daily, with the worker's other jobs)."

    def handle(self, *args, **options):
        self.stdout.write(f"pruned {prune_expired_exports()} expired export(s)")
