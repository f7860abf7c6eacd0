from datetime import timedelta

from django.core.management.base import BaseCommand

from kuaiji.core.consistency import orphan_files
from kuaiji.core.storage import delete_stored_file


class Command(BaseCommand):
    help = (
        "Delete stored files that no row points at and that are older than --older-than (default 1 h): a file "
        "is stored before its row commits, so a process killed or a transaction failed in between leaves one. "
        "Run hourly from cron. With bucket versioning the deleted file stays recoverable."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=3600, help="Seconds (default 3600).")
        parser.add_argument("--dry-run", action="store_true", help="List them, delete nothing.")

    def handle(self, *args, older_than: int, dry_run: bool, **options):
        names = orphan_files(older_than=timedelta(seconds=older_than))
        for name in names:
            self.stdout.write(f"{'would delete' if dry_run else 'deleted'} {name}")
            if not dry_run:
                delete_stored_file(name)
        self.stdout.write(f"孤立文件 / orphan files: {len(names)}{' (dry run)' if dry_run else ' deleted'}")
