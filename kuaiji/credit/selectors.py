"""Reads of credit entries: what is in effect (the record, the public lookup, the archive extract)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.permissions import has_role
from kuaiji.calendar.selectors import is_past_due
from kuaiji.regions.scope import department_ids_in_scope

from .constants import EntryState, ObjectionState
from .models import CreditEntry, Objection


def in_effect_on(day: date) -> Q:
    """Published and within its period on ``day``: the one condition every public reading uses, so an
    entry whose period has ended is never shown, whether or not the daily job has marked it yet."""
    return (
        Q(state=EntryState.PUBLISHED)
        & Q(effective_from__lte=day)
        & (Q(effective_until__isnull=True) | Q(effective_until__gte=day))
    )


def entries_in_effect(record: Any, *, on: date | None = None) -> list[CreditEntry]:
    """The record's published entries in effect on ``on`` (today), newest decision first."""
    day = on or timezone.localdate()
    return list(CreditEntry.objects.filter(in_effect_on(day), record=record).order_by("-decided_on", "-pk"))


def entries_of_record(record: Any) -> QuerySet[CreditEntry]:
    """Every entry of the record, in any state (staff, and the person's own page), newest first."""
    return (
        CreditEntry.objects.filter(record=record)
        .select_related("recorded_by", "checked_by")
        .order_by("-recorded_at", "-pk")
    )


# --- staff ------------------------------------------------------------------------------------------------


def entries_visible_to(staff: Any) -> QuerySet[CreditEntry]:
    """Entries recorded by a department in the staff member's scope, or of a person it now holds."""
    ids = department_ids_in_scope(staff)
    return CreditEntry.objects.filter(Q(department__in=ids) | Q(record__department__in=ids))


def may_check(staff: Any, entry: CreditEntry, *, four_eyes: bool = True) -> bool:
    """A reviewer of the recording department or one above it; for a check, not the one who recorded it."""
    if four_eyes and entry.recorded_by_id == staff.pk:
        return False
    return has_role(staff, StaffRole.REVIEWER) and entry.department_id in department_ids_in_scope(staff)


def entry_for_staff(staff: Any, entry_uuid: Any) -> CreditEntry:
    """The entry, or one 404 for missing and out of scope."""
    entry = (
        entries_visible_to(staff)
        .select_related("record", "record__department", "department", "recorded_by", "checked_by", "replaces")
        .filter(uuid=entry_uuid)
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def entries_to_check(staff: Any) -> QuerySet[CreditEntry]:
    """待复核 in scope, the earliest due first (the staff member's own are listed too, marked)."""
    return (
        CreditEntry.objects.filter(state=EntryState.RECORDED, department__in=department_ids_in_scope(staff))
        .select_related("record", "recorded_by")
        .order_by("due_on", "pk")
    )


def objections_to_decide(staff: Any) -> QuerySet[Objection]:
    return (
        Objection.objects.filter(
            state=ObjectionState.PENDING, entry__department__in=department_ids_in_scope(staff)
        )
        .select_related("entry", "entry__record")
        .order_by("due_on", "pk")
    )


def is_overdue(due: date | None, *, today: date | None = None) -> bool:
    """Past its due date, by the rule review due dates follow (``calendar.selectors.is_past_due``)."""
    return is_past_due(due, today=today)


# --- the person -------------------------------------------------------------------------------------------


def _shown_to_the_person(person: Any) -> QuerySet[CreditEntry]:
    # Never one still being checked: the person sees an entry once it was published.
    return CreditEntry.objects.filter(record__person=person).exclude(
        state__in=[EntryState.RECORDED, EntryState.RETURNED]
    )


def my_entries(person: Any) -> list[CreditEntry]:
    """What the person sees: their entries once published (in effect, or ended with the reason), with the
    objections they filed."""
    return list(_shown_to_the_person(person).prefetch_related("objections").order_by("-decided_on", "-pk"))


def my_entry(person: Any, entry_uuid: Any) -> CreditEntry:
    """One of them, or 404 (someone else's, or one not published)."""
    entry = _shown_to_the_person(person).select_related("record").filter(uuid=entry_uuid).first()
    if entry is None:
        raise Http404
    return entry
