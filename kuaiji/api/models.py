import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_secret(secret: str) -> str:
    """Tokens and keys are long random strings: a plain SHA-256 is enough (no dictionary to guess)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token of a signed-in person (mobile apps). Only its hash is stored; it expires and can be
    revoked. Staff tokens are issued only after the password and the TOTP code."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    prefix = models.CharField(_("令牌前缀"), max_length=8, help_text=_("便于辨认，不足以使用。"))
    created_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    client_ip = models.GenericIPAddressField(_("签发地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    @classmethod
    def issue(cls, *, user, lifetime, client_ip=None) -> tuple["ApiToken", str]:
        secret = "kj_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            key_hash=hash_secret(secret),
            prefix=secret[:8],
            expires_at=timezone.now() + lifetime,
            client_ip=client_ip,
        )
        return token, secret


class IntegrationKey(models.Model):
    """An API key of another system (e.g. exam registration), issued by platform administrators."""

    name = models.CharField(_("系统名称"), max_length=100)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True)
    prefix = models.CharField(_("密钥前缀"), max_length=8)
    scopes = models.JSONField(_("权限范围"), default=list, help_text=_('例如 ["collection_status"]。'))
    rate_limit_per_minute = models.PositiveIntegerField(_("每分钟调用上限"), default=120)
    created_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("对接系统密钥")
        verbose_name_plural = _("对接系统密钥")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(
        cls, *, name: str, scopes: list[str], rate_limit_per_minute: int = 120
    ) -> tuple["IntegrationKey", str]:
        secret = "kjk_" + secrets.token_urlsafe(32)
        key = cls.objects.create(
            name=name,
            key_hash=hash_secret(secret),
            prefix=secret[:8],
            scopes=scopes,
            rate_limit_per_minute=rate_limit_per_minute,
        )
        return key, secret
