from django_tasks import task

from kuaiji.core.task_retry import MAX_ATTEMPTS, retry_later

from .sms import get_backend


@task()
def send_sms(*, mobile: str, text: str, attempt: int = 1, delivery: str = "") -> str | None:
    """Deliver one message through the configured backend, outside the request. A provider's error is
    tried again a few times (``kuaiji.core.task_retry``). ``delivery`` is the uuid of the message's row
    in the SMS log (``SmsDelivery``): each attempt is counted there, and the outcome kept."""
    from .sms_log import mark_sms_attempt_failed, mark_sms_sent, record_delivery_reports

    backend = get_backend()
    try:
        message_id = backend.send(mobile=mobile, text=text)
    except Exception as error:
        if delivery:
            mark_sms_attempt_failed(
                delivery_uuid=delivery, attempt=attempt, error=error, last=attempt >= MAX_ATTEMPTS
            )
        note = retry_later(
            send_sms, attempt=attempt, error=error, mobile=mobile, text=text, delivery=delivery
        )
        if note is None:
            raise
        return note
    if delivery:
        mark_sms_sent(delivery_uuid=delivery, attempt=attempt, provider_message_id=message_id)
        if message_id and getattr(backend, "reports_at_once", False):
            # The outbox simulates a provider that reports at once (the demo shows the states).
            reports = [r for r in backend.fetch_reports() if r.provider_message_id == message_id]  # type: ignore[attr-defined]
            record_delivery_reports(reports, source="outbox", audit=False)
    return None
