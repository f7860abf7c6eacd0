from django.contrib import admin

from kuaiji.core.admin import ReadOnlyAdmin

from .models import CollectionWindow, Notice, Submission


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


@admin.register(CollectionWindow)
class CollectionWindowAdmin(admin.ModelAdmin):
    """采集时间, set by platform administrators; each save or deletion is audited."""

    list_display = ("department", "kind", "opens_at", "closes_at", "note")
    list_filter = ("kind",)
    fields = ("department", "kind", "opens_at", "closes_at", "note")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _audit_window(request, obj, "saved")

    def delete_model(self, request, obj):
        _audit_window(request, obj, "deleted")
        super().delete_model(request, obj)


def _audit_window(request, window, what: str) -> None:
    from kuaiji.audit.constants import AuditAction
    from kuaiji.audit.services import record_event

    record_event(
        action=AuditAction.COLLECTION_WINDOW_SET,
        actor=request.user,
        target=window.department,
        request=request,
        details={
            "what": what,
            "kind": window.kind,
            "opens_at": window.opens_at.isoformat(),
            "closes_at": window.closes_at.isoformat() if window.closes_at else None,
        },
    )
