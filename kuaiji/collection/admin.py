from django.contrib import admin

from kuaiji.core.admin import ReadOnlyAdmin

from .models import Notice, Submission


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """The versions of the notice, to read. New versions are saved on the staff page 阅读须知
    (``announcements:reading_notice``), which keeps each version, checks that nobody saved one in between,
    and audits it: one way in, so the admin does not add versions of its own."""

    list_display = ["version", "title", "published_at", "created_by"]
    readonly_fields = ["version", "title", "body", "published_at", "created_by"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["reference", "kind", "status", "department", "submitted_at", "due_on"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in Submission._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
