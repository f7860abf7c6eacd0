from django.core.management.base import BaseCommand

from kuaiji.accounts.sms import get_backend
from kuaiji.accounts.sms_log import record_delivery_reports


class Command(BaseCommand):
    help = (
        "Fetch delivery reports from an SMS provider that has no callback (its backend's fetch_reports()) "
        "and record them in the SMS log. Does nothing for a backend without fetch_reports."
    )

    def handle(self, *args, **options):
        backend = get_backend()
        fetch = getattr(backend, "fetch_reports", None)
        if fetch is None:
            self.stdout.write("the SMS backend has no fetch_reports(): nothing to poll")
            return
        counts = record_delivery_reports(fetch(), source="poll")
        self.stdout.write(f"applied {counts['applied']} reports, ignored {counts['ignored']}")
