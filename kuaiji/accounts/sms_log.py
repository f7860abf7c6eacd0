"""The SMS delivery log: a row per message (``SmsDelivery``), kept up to date by the sending task and
the provider's delivery reports; read and resent by support staff (客服人员).

Support is platform-wide for SMS: a message is not tied to a department, so the log is not scoped.
Who may call the read and resend functions is checked by the view (``may_read_sms_log``).
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core.validators import mask_mobile

from .constants import SmsKind, SmsPurpose, SmsState
from .models import SmsDelivery, User
from .sms import DeliveryReport

logger = logging.getLogger(__name__)

REASON_LENGTH = SmsDelivery._meta.get_field("provider_reason").max_length or 200
FINAL_STATES = (SmsState.DELIVERED, SmsState.FAILED)
REPORTED_STATES = {SmsState.DELIVERED.value, SmsState.FAILED.value}


def record_queued_sms(*, mobile: str, kind: str, text: str = "") -> SmsDelivery:
    """The log row of a message about to be queued. Call it in the transaction that queues the message,
    so a rolled-back request leaves none. ``text`` is kept for notices only: a code is never stored."""
    return SmsDelivery.objects.create(mobile=mobile, kind=kind, text=text if kind == SmsKind.NOTICE else "")


def mark_sms_sent(*, delivery_uuid: str, attempt: int, provider_message_id: str | None) -> None:
    """The provider took the message (on ``attempt``). A report that came first is not overwritten."""
    SmsDelivery.objects.filter(uuid=delivery_uuid).update(attempts=attempt, sent_at=timezone.now())
    SmsDelivery.objects.filter(uuid=delivery_uuid, state=SmsState.QUEUED).update(
        state=SmsState.SENT, provider_message_id=provider_message_id or ""
    )


def mark_sms_attempt_failed(*, delivery_uuid: str, attempt: int, error: Exception, last: bool) -> None:
    """An attempt raised: its error is the reason; after the ``last`` attempt the message has failed."""
    fields: dict = {
        "attempts": attempt,
        "provider_reason": (str(error) or type(error).__name__)[:REASON_LENGTH],
    }
    if last:
        fields["state"] = SmsState.FAILED
    SmsDelivery.objects.filter(uuid=delivery_uuid).update(**fields)


def record_delivery_reports(
    reports: Iterable[DeliveryReport], *, source: str, now: datetime | None = None, audit: bool = True
) -> dict[str, int]:
    """Apply the provider's reports. Idempotent: a message already delivered or failed keeps its state,
    and an unknown message id (not ours, or pruned) is ignored. One audit event per batch that changed
    something (``SMS_DELIVERY_REPORTED``, with the counts and ``source``: callback or poll), unless
    ``audit`` is off (the outbox's simulated reports: nothing came from outside)."""
    now = now or timezone.now()
    applied = ignored = 0
    with transaction.atomic():
        for report in reports:
            if report.state not in REPORTED_STATES or not report.provider_message_id:
                ignored += 1
                continue
            changed = (
                SmsDelivery.objects.filter(provider_message_id=report.provider_message_id)
                .exclude(state__in=FINAL_STATES)
                .update(
                    state=report.state,
                    provider_reason=report.reason[:REASON_LENGTH] if report.state == SmsState.FAILED else "",
                    reported_at=report.reported_at or now,
                )
            )
            if changed:
                applied += 1
            else:
                ignored += 1
        if applied and audit:
            record_event(
                action=AuditAction.SMS_DELIVERY_REPORTED,
                details={"source": source, "applied": applied, "ignored": ignored},
            )
    return {"applied": applied, "ignored": ignored}


def sms_sent_to(*, mobile: str) -> QuerySet[SmsDelivery]:
    """Every logged message to ``mobile`` (the whole number), newest first, with its resend if any."""
    return (
        SmsDelivery.objects.filter(mobile=mobile)
        .select_related("resent_by")
        .prefetch_related("resends")
        .order_by("-created_at", "-id")
    )


def search_sms_log(*, staff: User, mobile: str, request=None) -> list[SmsDelivery]:
    """The log of ``mobile`` for support, audited (``SMS_LOG_SEARCHED``, the number masked)."""
    deliveries = list(sms_sent_to(mobile=mobile))
    record_event(
        action=AuditAction.SMS_LOG_SEARCHED,
        actor=staff,
        request=request,
        details={"mobile": mask_mobile(mobile), "count": len(deliveries)},
    )
    return deliveries


def may_be_resent(delivery: SmsDelivery) -> bool:
    """A code message that did not arrive (failed, or not reported delivered) and was not resent yet."""
    return (
        delivery.has_code
        and delivery.state != SmsState.DELIVERED
        and delivery.resent_from_id is None
        and not delivery.resends.all()
    )


class ResendRefused(Exception):
    """Why support cannot resend this message, in words for the page."""


def resend_sms_code(*, staff: User, delivery_uuid: str, client_ip: str) -> SmsDelivery:
    """Send a new code for the purpose of the code message ``delivery_uuid`` to the same number.

    Goes through ``request_sms_code``, so the per-phone and per-address limits hold (``client_ip`` is the
    support staff member's address). At most once per message, and never for a resend itself or a notice.
    Raises ResendRefused with the reason; audits ``SMS_RESENT`` in the same transaction. The caller checks
    that ``staff`` may read the SMS log."""
    from .verification import request_sms_code

    with transaction.atomic():
        original = SmsDelivery.objects.select_for_update().filter(uuid=delivery_uuid).first()
        if original is None:
            raise ResendRefused("没有找到这条短信记录")
        if not original.has_code:
            raise ResendRefused("通知短信不能重发")
        if original.resent_from_id is not None:
            raise ResendRefused("这条短信已是客服重发的，不能再次重发")
        if SmsDelivery.objects.filter(resent_from=original).exists():
            raise ResendRefused("每条短信只能重发一次，这条已经重发过")
        if original.state == SmsState.DELIVERED:
            raise ResendRefused("这条短信已经送达，无需重发")
        try:
            resent = request_sms_code(
                mobile=original.mobile, purpose=SmsPurpose(original.kind), client_ip=client_ip
            )
        except ValidationError as error:
            raise ResendRefused(f"未能重发：{error.messages[0]}") from error
        resent.resent_from = original
        resent.resent_by = staff
        resent.save(update_fields=["resent_from", "resent_by"])
        record_event(
            action=AuditAction.SMS_RESENT,
            actor=staff,
            target=original,
            ip=client_ip,
            details={
                "mobile": mask_mobile(original.mobile),
                "kind": original.kind,
                "resend": str(resent.uuid),
            },
        )
    return resent


def prune_sms_log(*, now: datetime | None = None) -> dict[str, int]:
    """Delete log rows older than ``KUAIJI_SMS_LOG_RETENTION_DAYS``, and blank any text a code message
    holds (none should: ``record_queued_sms`` never keeps one, and a constraint refuses it)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.KUAIJI_SMS_LOG_RETENTION_DAYS)
    blanked = SmsDelivery.objects.exclude(kind=SmsKind.NOTICE).exclude(text="").update(text="")
    # Resends point at their originals (SET_NULL): delete in one statement, newest and oldest alike.
    deleted, _by_model = SmsDelivery.objects.filter(created_at__lt=cutoff).delete()
    return {"deleted": deleted, "blanked": blanked}
