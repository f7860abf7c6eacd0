from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from kuaiji.audit.retention import prune_audit_events


class Command(BaseCommand):
    help = (
        "Delete audit events older than KUAIJI_AUDIT_RETENTION_DAYS (at least 183) and record the run "
        "as an audit event. Run daily from cron."
    )

    def handle(self, *args, **options):
        try:
            deleted = prune_audit_events()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"pruned {deleted} audit events")
