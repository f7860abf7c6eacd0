from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kuaiji.review.overdue import report_overdue


class Command(BaseCommand):
    help = (
        "Tell the department administrators of every department with overdue submissions how many there "
        "are (in-site message) and record the run in the audit log. Run daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="as_of", help="Report as of this day (YYYY-MM-DD); default today.")

    def handle(self, *args, as_of=None, **options):
        try:
            today = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as error:
            raise CommandError("--date must be YYYY-MM-DD") from error
        summary = report_overdue(today=today)
        for row in summary:
            self.stdout.write(
                f"{row['name']}: {row['count']} overdue, {row['notified']} administrators notified"
            )
            if not row["notified"]:
                self.stderr.write(f"warning: {row['name']} has no active 部门管理员 to notify")
        self.stdout.write(f"{len(summary)} departments with overdue submissions")
