from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kuaiji.core.models import PlatformMode
from kuaiji.core.platform_mode import set_mode


class Command(BaseCommand):
    help = "Switch the platform to normal, maintenance (applicants wait, staff go on) or read-only mode."

    def add_arguments(self, parser):
        parser.add_argument("mode", choices=PlatformMode.Mode.values)
        parser.add_argument("--until", help="expected end, e.g. '2026-12-04 06:00' (local time)")
        parser.add_argument("--message", default="", help="shown to users, e.g. the reason")

    def handle(self, *args, mode, until=None, message="", **options):
        end = None
        if until:
            try:
                end = timezone.make_aware(datetime.fromisoformat(until))
            except ValueError as error:
                raise CommandError(f"--until: {error}") from error
        set_mode(mode=mode, message=message, until=end)
        self.stdout.write(f"platform mode: {mode}" + (f" until {end:%Y-%m-%d %H:%M}" if end else ""))
