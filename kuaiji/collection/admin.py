from django.contrib import admin

from .models import Notice, Submission


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Each edit of the notice is a new version: existing versions are read-only once published."""

    list_display = ["version", "title", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["version", "title", "body", "published_at"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not change:
            latest = Notice.objects.order_by("-version").first()
            obj.version = (latest.version + 1) if latest else 1
        super().save_model(request, obj, form, change)

    def get_exclude(self, request, obj=None):
        return ["version"] if obj is None else []


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["reference", "kind", "status", "department", "submitted_at", "due_on"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in Submission._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
