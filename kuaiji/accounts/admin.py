from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import AccountAppeal, LegacyHolder, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["-date_joined"]
    list_display = [
        "full_name",
        "account_type",
        "username",
        "document_type",
        "department",
        "is_active",
        "date_joined",
    ]
    list_filter = ["account_type", "is_active", "is_staff", "document_type"]
    search_fields = ["full_name", "username", "document_number"]
    readonly_fields = ["uuid", "date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["uuid", "account_type", "username", "password"]}),
        (
            "身份信息",
            {"fields": ["full_name", "document_type", "document_number", "mobile", "mobile_verified_at"]},
        ),
        ("工作人员", {"fields": ["department", "is_active", "is_staff", "is_superuser", "groups"]}),
        ("时间", {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["account_type", "username", "full_name", "department", "password1", "password2"]}),
    ]
    filter_horizontal = ["groups"]


@admin.register(LegacyHolder)
class LegacyHolderAdmin(admin.ModelAdmin):
    list_display = [
        "full_name",
        "document_type",
        "certificate_number",
        "source_file",
        "source_row",
        "activated_at",
    ]
    search_fields = ["full_name", "document_number", "certificate_number"]
    readonly_fields = ["source_file", "source_row", "imported_at", "activated_at"]


@admin.register(AccountAppeal)
class AccountAppealAdmin(admin.ModelAdmin):
    list_display = ["uuid", "reason", "status", "created_at"]
    list_filter = ["reason", "status"]
    readonly_fields = ["uuid", "client_ip", "created_at", "decided_at"]
