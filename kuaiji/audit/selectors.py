"""Reads over the audit log."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEvent


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search_audit_events(
    *,
    action: str = "",
    actor: str = "",
    target_id: str = "",
    occurred_from: date | None = None,
    occurred_to: date | None = None,
    client_ip: str | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events matching every given filter, newest first, with their actor.

    ``action`` matches from the start (``submission.`` finds every submission event); ``actor`` is part of
    the actor's name or their exact user name; dates are local days, both ends included (compared as a
    range on ``occurred_at`` so its index serves). Permission is checked by the caller.
    """
    events = AuditEvent.objects.select_related("actor")
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(Q(actor__full_name__contains=actor) | Q(actor__username=actor))
    if target_id:
        events = events.filter(target_id=target_id)
    if occurred_from:
        events = events.filter(occurred_at__gte=_start_of(occurred_from))
    if occurred_to:
        events = events.filter(occurred_at__lt=_start_of(occurred_to + timedelta(days=1)))
    if client_ip:
        events = events.filter(client_ip=client_ip)
    return events.order_by("-occurred_at", "-id")
