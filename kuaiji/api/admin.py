"""Platform administrators issue and revoke API credentials here.

An integration key's secret is shown once, right after it is created; only its hash is stored. Keys and
tokens are revoked, never deleted, so the audit log keeps pointing at something."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from .integration import SCOPES
from .models import ApiToken, IntegrationKey
from .services import issue_integration_key, revoke_integration_keys


class IntegrationKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label="权限范围", choices=SCOPES, widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = IntegrationKey
        fields = ["name", "scopes", "rate_limit_per_minute"]

    def clean_rate_limit_per_minute(self):
        value = self.cleaned_data["rate_limit_per_minute"]
        if not 1 <= value <= 10_000:
            raise forms.ValidationError("每分钟调用上限应在 1 到 10000 之间")
        return value


@admin.action(description="吊销所选密钥")
def revoke_keys(modeladmin, request, queryset):
    revoked = revoke_integration_keys(actor=request.user, keys=list(queryset), request=request)
    modeladmin.message_user(request, f"已吊销 {revoked} 个密钥。", messages.SUCCESS)


@admin.register(IntegrationKey)
class IntegrationKeyAdmin(admin.ModelAdmin):
    form = IntegrationKeyForm
    list_display = [
        "name",
        "prefix",
        "scopes",
        "rate_limit_per_minute",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    actions = [revoke_keys]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "scopes", "rate_limit_per_minute"]
        return [
            "name",
            "prefix",
            "scopes",
            "rate_limit_per_minute",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key, secret = issue_integration_key(
            actor=request.user,
            name=obj.name,
            scopes=list(obj.scopes),
            rate_limit_per_minute=obj.rate_limit_per_minute,
            request=request,
        )
        # The admin goes on with ``obj`` (its change message, the redirect): make it the issued key.
        obj.pk, obj.key_hash, obj.prefix, obj.created_at = key.pk, key.key_hash, key.prefix, key.created_at
        obj._state.adding = False
        messages.success(
            request,
            f"密钥已签发，请立即复制并妥善交给对接系统，此后不再显示：{secret}",
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description="吊销所选令牌")
def revoke_tokens(modeladmin, request, queryset):
    count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    modeladmin.message_user(request, f"已吊销 {count} 个令牌。", messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at", "client_ip"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "user__username", "user__full_name"]
    fields = ("prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at", "client_ip")
    readonly_fields = fields
    actions = [revoke_tokens]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
