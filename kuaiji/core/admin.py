"""What the project's admin classes share."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that are only read in the admin: they are made (and audited) by the pages' own flows, or
    never change at all (the audit log)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from .models import PlatformMode  # noqa: E402
from .platform_mode import set_mode  # noqa: E402


@admin.register(PlatformMode)
class PlatformModeAdmin(admin.ModelAdmin):
    """The operator's switch: saving goes through ``set_mode`` (audited, every process told)."""

    list_display = ("mode", "until", "message", "set_by", "set_at")
    fields = ("mode", "until", "message")

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return not PlatformMode.objects.exists()

    def save_model(self, request, obj, form, change):
        saved = set_mode(mode=obj.mode, message=obj.message, until=obj.until, by=request.user)
        obj.pk = saved.pk
