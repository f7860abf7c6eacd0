"""Reads of credit entries: what is in effect (the record, the public lookup, the archive extract)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from .constants import EntryState
from .models import CreditEntry

if TYPE_CHECKING:
    from kuaiji.archive.models import ArchiveRecord


def in_effect_on(day: date) -> Q:
    """Published and within its period on ``day``: the one condition every public reading uses, so an
    entry whose period has ended is never shown, whether or not the daily job has marked it yet."""
    return (
        Q(state=EntryState.PUBLISHED)
        & Q(effective_from__lte=day)
        & (Q(effective_until__isnull=True) | Q(effective_until__gte=day))
    )


def entries_in_effect(record: ArchiveRecord, *, on: date | None = None) -> list[CreditEntry]:
    """The record's published entries in effect on ``on`` (today), newest decision first."""
    day = on or timezone.localdate()
    return list(CreditEntry.objects.filter(in_effect_on(day), record=record).order_by("-decided_on", "-pk"))


def entries_of_record(record: ArchiveRecord) -> QuerySet[CreditEntry]:
    """Every entry of the record, in any state (staff, and the person's own page), newest first."""
    return (
        CreditEntry.objects.filter(record=record)
        .select_related("recorded_by", "checked_by")
        .order_by("-recorded_at", "-pk")
    )
