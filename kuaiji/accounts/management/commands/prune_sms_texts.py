from django.core.management.base import BaseCommand

from kuaiji.accounts.sms_log import prune_sms_log


class Command(BaseCommand):
    help = (
        "Delete SMS log rows older than KUAIJI_SMS_LOG_RETENTION_DAYS, and blank any text a code message "
        "holds (the log keeps none: codes are never stored)."
    )

    def handle(self, *args, **options):
        counts = prune_sms_log()
        self.stdout.write(f"deleted {counts['deleted']} SMS log rows, blanked {counts['blanked']} code texts")
