"""``manage.py seed_special_days``: refresh the holidays and make-up working days after upgrading
chinese-calendar. Rows entered or edited by staff are kept."""

from django.core.management.base import BaseCommand

from kuaiji.calendar.seeding import read_chinese_calendar, seed_special_days


class Command(BaseCommand):
    help = "Create or update the statutory holidays and make-up working days from chinese-calendar."

    def handle(self, *args, **options) -> None:
        schedule = read_chinese_calendar()
        report = seed_special_days()
        self.stdout.write(
            self.style.SUCCESS(
                f"chinese-calendar {schedule.version} ({schedule.years[0]}–{schedule.years[-1]}): "
                f"{report.created} created, {report.updated} updated, {report.deleted} deleted, "
                f"{report.kept} kept as entered by staff; years added: "
                f"{', '.join(map(str, report.years_added)) or 'none'}."
            )
        )
