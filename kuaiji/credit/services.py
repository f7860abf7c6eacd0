"""Writing credit entries: recorded by one staff member, checked and published by another, withdrawn or
corrected with their history kept, expired at the end of their period; the person's objections."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from kuaiji.accounts.services.notices import notify
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.calendar.selectors import due_on
from kuaiji.core.images import clean_image_upload
from kuaiji.core.storage import delete_stored_file, save_clean_image

from .constants import (
    OBJECTION_WITHIN_WORKING_DAYS,
    PUBLISH_WITHIN_WORKING_DAYS,
    EntryState,
    ObjectionRemedy,
    ObjectionState,
)
from .models import CreditEntry, Objection
from .selectors import may_check

#: The entry's facts as the form gives them (the columns ``record_entry`` and a correction copy).
FACTS = (
    "kind",
    "title",
    "award_level",
    "penalty_type",
    "legal_basis",
    "authority",
    "document_number",
    "decided_on",
    "effective_from",
    "effective_until",
    "is_blacklist",
)


class Conflict(Exception):
    """The entry changed since the page was shown (another tab, another staff member)."""


def _details(entry: CreditEntry, **more: Any) -> dict[str, Any]:
    return {"entry": str(entry.uuid), "kind": entry.kind, **more}


def _store_scan(upload: Any) -> str:
    return save_clean_image(clean_image_upload(upload), prefix="credit") if upload else ""


@transaction.atomic
def record_entry(
    *,
    staff: Any,
    record: Any,
    data: dict[str, Any],
    scan: Any = None,
    replaces: CreditEntry | None = None,
    request: Any = None,
) -> CreditEntry:
    """记录: a new entry waiting for a second staff member's check, due ``PUBLISH_WITHIN_WORKING_DAYS``
    working days after the decision. ``replaces``: the published entry this one corrects (it stays shown
    until the correction is published). The caller has checked the record is in the staff's scope."""
    name = _store_scan(scan)
    try:
        entry = CreditEntry.objects.create(
            record=record,
            department=record.department,
            **{field: data[field] for field in FACTS},
            scan=name,
            due_on=due_on(start=data["decided_on"], working_days=PUBLISH_WITHIN_WORKING_DAYS),
            recorded_by=staff,
            replaces=replaces,
        )
    except Exception:
        if name:
            delete_stored_file(name)
        raise
    record_event(
        action=AuditAction.CREDIT_ENTRY_RECORDED,
        actor=staff,
        target=entry,
        request=request,
        details=_details(entry, corrects=str(replaces.uuid) if replaces else None),
    )
    return entry


@transaction.atomic
def update_returned_entry(
    *, staff: Any, entry: CreditEntry, data: dict[str, Any], expected_version: int, request: Any = None
) -> CreditEntry:
    """A returned entry, corrected by its department, goes back to be checked."""
    changed = CreditEntry.objects.filter(
        pk=entry.pk, state=EntryState.RETURNED, version=expected_version
    ).update(
        **{field: data[field] for field in FACTS},
        due_on=due_on(start=data["decided_on"], working_days=PUBLISH_WITHIN_WORKING_DAYS),
        state=EntryState.RECORDED,
        return_reason="",
        version=F("version") + 1,
    )
    if not changed:
        raise Conflict
    entry.refresh_from_db()
    record_event(
        action=AuditAction.CREDIT_ENTRY_RECORDED,
        actor=staff,
        target=entry,
        request=request,
        details=_details(entry, resubmitted=True),
    )
    return entry


def _move(entry: CreditEntry, *, expected_version: int, from_state: str, **values: Any) -> None:
    changed = CreditEntry.objects.filter(pk=entry.pk, state=from_state, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if not changed:
        raise Conflict
    entry.refresh_from_db()


def _check_four_eyes(staff: Any, entry: CreditEntry) -> None:
    if entry.recorded_by_id == staff.pk:
        raise ValidationError("记录人不能复核自己记录的信用信息，请由另一名工作人员复核", code="four_eyes")
    if not may_check(staff, entry):
        raise ValidationError("您没有复核该记录的权限", code="not_allowed")


def _link(entry: CreditEntry) -> str:
    return reverse("my_credit:list")


@transaction.atomic
def publish_entry(
    *, staff: Any, entry: CreditEntry, expected_version: int, request: Any = None
) -> CreditEntry:
    """复核公示 by a second staff member. A correction, once published, ends the entry it replaces."""
    _check_four_eyes(staff, entry)
    now = timezone.now()
    _move(
        entry,
        expected_version=expected_version,
        from_state=EntryState.RECORDED,
        state=EntryState.PUBLISHED,
        checked_by=staff,
        published_at=now,
    )
    record_event(
        action=AuditAction.CREDIT_ENTRY_PUBLISHED,
        actor=staff,
        target=entry,
        request=request,
        details=_details(entry),
    )
    replaced = entry.replaces
    if replaced is not None:
        CreditEntry.objects.filter(pk=replaced.pk, state=EntryState.PUBLISHED).update(
            state=EntryState.CORRECTED,
            ended_at=now,
            ended_reason=f"{now:%Y-%m-%d} 由更正后的记录替换",
            version=F("version") + 1,
        )
        record_event(
            action=AuditAction.CREDIT_ENTRY_CORRECTED,
            actor=staff,
            target=replaced,
            request=request,
            details=_details(replaced, corrected_by=str(entry.uuid)),
        )
    person = entry.record.person
    verb = "已更正" if replaced is not None else "已记入您的信用档案并公示"
    notify(
        user=person,
        text=f"信用记录“{entry.title}”{verb}。如有异议，可在“我的信用记录”中提出。",
        link=_link(entry),
    )
    return entry


@transaction.atomic
def return_entry(
    *, staff: Any, entry: CreditEntry, expected_version: int, reason: str, request: Any = None
) -> CreditEntry:
    """复核退回: back to the department that recorded it, with the reason."""
    _check_four_eyes(staff, entry)
    _move(
        entry,
        expected_version=expected_version,
        from_state=EntryState.RECORDED,
        state=EntryState.RETURNED,
        return_reason=reason,
        checked_by=staff,
    )
    record_event(
        action=AuditAction.CREDIT_ENTRY_RETURNED,
        actor=staff,
        target=entry,
        request=request,
        details=_details(entry, reason=reason),
    )
    return entry


@transaction.atomic
def withdraw_entry(
    *, staff: Any, entry: CreditEntry, expected_version: int, reason: str, request: Any = None
) -> CreditEntry:
    """撤销 a published entry: off the record and the public view at once, kept in the history."""
    _move(
        entry,
        expected_version=expected_version,
        from_state=EntryState.PUBLISHED,
        state=EntryState.WITHDRAWN,
        ended_at=timezone.now(),
        ended_reason=reason,
    )
    record_event(
        action=AuditAction.CREDIT_ENTRY_WITHDRAWN,
        actor=staff,
        target=entry,
        request=request,
        details=_details(entry, reason=reason),
    )
    notify(user=entry.record.person, text=f"信用记录“{entry.title}”已撤销：{reason}", link=_link(entry))
    return entry


def expire_entries(*, today: date | None = None) -> int:
    """Mark published entries whose period ended before ``today`` as expired (the daily job; the public
    reads never show them anyway: ``selectors.in_effect_on``). Each in its own transaction."""
    today = today or timezone.localdate()
    expired = 0
    ended = CreditEntry.objects.filter(state=EntryState.PUBLISHED, effective_until__lt=today)
    for entry in ended.iterator():
        with transaction.atomic():
            changed = CreditEntry.objects.filter(pk=entry.pk, state=EntryState.PUBLISHED).update(
                state=EntryState.EXPIRED,
                ended_at=timezone.now(),
                ended_reason="有效期届满",
                version=F("version") + 1,
            )
            if changed:
                record_event(action=AuditAction.CREDIT_ENTRY_EXPIRED, target=entry, details=_details(entry))
                expired += 1
    return expired


# --- objections -------------------------------------------------------------------------------------------


@transaction.atomic
def file_objection(
    *, person: Any, entry: CreditEntry, reason: str, evidence: Any = None, client_ip: str = ""
) -> Objection:
    """异议: the person disputes a published entry of their own; one open objection per entry."""
    if entry.record.person_id != person.pk or entry.state != EntryState.PUBLISHED:
        raise ValidationError("只能对已公示的本人信用记录提出异议", code="not_objectionable")
    if entry.objections.filter(state=ObjectionState.PENDING).exists():
        raise ValidationError("该记录已有一项异议正在处理，请等待处理结果", code="objection_open")
    name = _store_scan(evidence)
    objection = Objection.objects.create(
        entry=entry,
        person=person,
        reason=reason,
        evidence=name,
        evidence_name=(getattr(evidence, "name", "") or "")[:200],
        due_on=due_on(start=timezone.localdate(), working_days=OBJECTION_WITHIN_WORKING_DAYS),
    )
    record_event(
        action=AuditAction.CREDIT_OBJECTION_FILED,
        actor=person,
        target=objection,
        ip=client_ip,
        details=_details(entry, objection=str(objection.uuid)),
    )
    return objection


@transaction.atomic
def decide_objection(
    *, staff: Any, objection: Objection, outcome: str, remedy: str, reason: str, request: Any = None
) -> CreditEntry | None:
    """Decide an objection. Refused: the entry stays. Upheld with 撤销: the entry is withdrawn now. Upheld
    with 更正: returns the entry to correct; the staff member records the correction (``record_entry`` with
    ``replaces``), which a second one publishes. The person is told either way."""
    entry = objection.entry
    if not may_check(staff, entry, four_eyes=False):
        raise ValidationError("您没有处理该异议的权限", code="not_allowed")
    state = ObjectionState.UPHELD if outcome == "upheld" else ObjectionState.REFUSED
    changed = Objection.objects.filter(pk=objection.pk, state=ObjectionState.PENDING).update(
        state=state,
        decided_by=staff,
        decided_at=timezone.now(),
        decision_reason=reason,
        remedy=remedy if state == ObjectionState.UPHELD else "",
    )
    if not changed:
        raise Conflict
    objection.refresh_from_db()
    action = (
        AuditAction.CREDIT_OBJECTION_UPHELD
        if state == ObjectionState.UPHELD
        else AuditAction.CREDIT_OBJECTION_REFUSED
    )
    record_event(
        action=action,
        actor=staff,
        target=objection,
        request=request,
        details=_details(entry, objection=str(objection.uuid), remedy=objection.remedy),
    )
    person = objection.person
    if state == ObjectionState.REFUSED:
        notify(user=person, text=f"您对信用记录“{entry.title}”提出的异议不成立：{reason}", link=_link(entry))
        return None
    if remedy == ObjectionRemedy.WITHDRAW:
        entry.refresh_from_db()
        return withdraw_entry(
            staff=staff,
            entry=entry,
            expected_version=entry.version,
            reason=f"异议成立：{reason}",
            request=request,
        )
    notify(
        user=person,
        text=f"您对信用记录“{entry.title}”提出的异议成立，将予以更正：{reason}",
        link=_link(entry),
    )
    return entry
