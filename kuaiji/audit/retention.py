"""How long audit events are kept, and the one place that deletes them.

``AuditEventQuerySet`` refuses ``delete()`` and ``update()`` so that no page, admin action or service can
change the log. Pruning expired events is the single, deliberate exception: it uses
``QuerySet._raw_delete`` (one ``DELETE … WHERE occurred_at < cutoff``, no signals, no cascades — nothing
references an audit event), is called only by the ``prune_audit_events`` command, and records its own run.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from .constants import AuditAction
from .models import AuditEvent
from .services import record_event

# At least six months (the settings refuse to start below this too).
MIN_RETENTION_DAYS = 183


def retention_days() -> int:
    """``KUAIJI_AUDIT_RETENTION_DAYS``; ImproperlyConfigured when it is below ``MIN_RETENTION_DAYS``."""
    days = settings.KUAIJI_AUDIT_RETENTION_DAYS
    if days < MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"KUAIJI_AUDIT_RETENTION_DAYS is {days}; audit events must be kept at least "
            f"{MIN_RETENTION_DAYS} days (six months)"
        )
    return days


@transaction.atomic
def prune_audit_events(*, now: datetime | None = None) -> int:
    """Delete the audit events that occurred more than ``retention_days()`` before ``now``; returns how
    many. Records an ``audit.pruned`` event (no actor: it runs from cron) in the same transaction.
    Raises ImproperlyConfigured, deleting nothing, when the retention is too short."""
    days = retention_days()
    cutoff = (now or timezone.now()) - timedelta(days=days)
    expired = AuditEvent.objects.filter(occurred_at__lt=cutoff)
    deleted = expired._raw_delete(expired.db)
    record_event(
        action=AuditAction.AUDIT_PRUNED,
        details={"deleted": deleted, "before": cutoff.isoformat(), "retention_days": days},
    )
    return deleted
