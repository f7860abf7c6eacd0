from django.core.management.base import BaseCommand
from django.utils import timezone

from kuaiji.reporting.services import refresh_statistics


class Command(BaseCommand):
    help = "Count the statistics' summary tables again (the dashboard also queues this when they are old)."

    def handle(self, *args, **options):
        snapshot = refresh_statistics()
        at = timezone.localtime(snapshot.refreshed_at).strftime("%Y-%m-%d %H:%M:%S")
        self.stdout.write(f"统计已更新：{at}，用时 {snapshot.seconds:.1f} 秒")
