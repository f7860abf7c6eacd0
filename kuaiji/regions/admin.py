from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Department, Division, DivisionSource


class InForceFilter(admin.SimpleListFilter):
    title = _("是否现行")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", _("现行有效")), ("no", _("已停用"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(valid_until__isnull=True)
        if self.value() == "no":
            return queryset.filter(valid_until__isnull=False)
        return queryset


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reference data: loaded from python-stdnum (``manage.py load_divisions``), never edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Division)
class DivisionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_until", "is_placeholder"]
    list_filter = ["level", InForceFilter, "is_placeholder"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    show_full_result_count = False


@admin.register(DivisionSource)
class DivisionSourceAdmin(ReadOnlyAdmin):
    list_display = ["source_name", "version", "loaded_at", "division_count"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "division", "parent", "phones", "is_active"]
    list_filter = ["level", "is_active"]
    list_select_related = ["division", "parent"]
    search_fields = ["name", "division__code", "division__name"]
    autocomplete_fields = ["division", "parent"]
