from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import HttpRequest

from kuaiji.core.http import client_ip
from kuaiji.core.statements import insert

from .constants import AuditAction
from .models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kuaiji.accounts.models import User


def record_event(
    *,
    action: AuditAction,
    actor: "User | AnonymousUser | None" = None,  # an anonymous one is recorded as no actor
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit event. Call it inside the transaction of the change it records.

    ``action`` is an ``AuditAction`` member (a test keeps string literals out of every call); a string
    that reaches here from an untyped caller is still checked (ValueError), so no call site can invent an
    action the log does not know."""
    action = AuditAction(action)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    target_id = ""
    if target is not None:
        target_id = str(getattr(target, "uuid", None) or target.pk)
    # Written out (core.statements.insert): staff reads and integration lookups each append one.
    return insert(
        AuditEvent(
            action=action,
            actor=actor,  # type: ignore[misc]  # an anonymous user was replaced by None above
            target_type=target._meta.label_lower if target is not None else "",
            target_id=target_id,
            client_ip=ip or (client_ip(request) if request is not None else None),
            details=details or {},
        )
    )
