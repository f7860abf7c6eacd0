"""``manage.py load_divisions``: refresh the division table after upgrading python-stdnum."""

from django.core.management.base import BaseCommand

from kuaiji.regions.loader import SOURCE_NAME, load_divisions


class Command(BaseCommand):
    help = "Create or update the administrative divisions from python-stdnum's cn/loc.dat."

    def handle(self, *args, **options) -> None:
        count = load_divisions()
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} divisions from {SOURCE_NAME}."))
        self.stdout.write(
            "Forms take the new table within 10 minutes (regions.selectors.DIVISION_CACHE_SECONDS)."
        )
