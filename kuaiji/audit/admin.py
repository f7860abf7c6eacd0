from django.contrib import admin

from kuaiji.core.admin import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "action", "actor", "target_type", "target_id", "client_ip"]
    list_filter = ["action"]
    search_fields = ["target_id", "action"]
    date_hierarchy = "occurred_at"
