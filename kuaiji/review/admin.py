from django.contrib import admin

from kuaiji.core.admin import ReadOnlyAdmin

from .models import Decision, ReasonTemplate


@admin.register(ReasonTemplate)
class ReasonTemplateAdmin(admin.ModelAdmin):
    """常用审核意见: platform administrators keep the list reviewers pick reasons from."""

    list_display = ["text", "outcome", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["outcome", "is_active"]
    search_fields = ["text"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    """Decisions are made on the review pages (audited there); here they can only be read."""

    list_display = ["decided_at", "outcome", "submission", "reviewer"]
    list_filter = ["outcome"]
    list_select_related = ["submission", "reviewer"]
    date_hierarchy = "decided_at"
    raw_id_fields = ["submission", "revision", "reviewer"]
