"""Issuing and revoking integration keys: the admin (and any later command) calls these, so each change is
audited in its own transaction the same way wherever it starts. Permission is the caller's (the admin
site is for platform administrators only)."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event

from .models import IntegrationKey


@transaction.atomic
def issue_integration_key(
    *,
    actor: Any,
    name: str,
    scopes: list[str],
    rate_limit_per_minute: int,
    request: HttpRequest | None = None,
) -> tuple[IntegrationKey, str]:
    """A new key and its secret. The secret is returned once and never stored (only its hash); the
    audit event names the key by its prefix."""
    key, secret = IntegrationKey.issue(name=name, scopes=scopes, rate_limit_per_minute=rate_limit_per_minute)
    record_event(
        action=AuditAction.INTEGRATION_KEY_ISSUED,
        actor=actor,
        target=key,
        request=request,
        details={"name": key.name, "prefix": key.prefix, "scopes": key.scopes},
    )
    return key, secret


@transaction.atomic
def revoke_integration_keys(
    *, actor: Any, keys: list[IntegrationKey], request: HttpRequest | None = None
) -> int:
    """Revoke the keys not revoked yet (never deleted: the audit log keeps pointing at them); returns how
    many were revoked."""
    now = timezone.now()
    revoked = 0
    for key in keys:
        if not IntegrationKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=now):
            continue
        record_event(
            action=AuditAction.INTEGRATION_KEY_REVOKED,
            actor=actor,
            target=key,
            request=request,
            details={"name": key.name, "prefix": key.prefix},
        )
        revoked += 1
    return revoked
