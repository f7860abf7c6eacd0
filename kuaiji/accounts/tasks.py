from django_tasks import task

from kuaiji.core.task_retry import retry_later

from .sms import get_backend


@task()
def send_sms(*, mobile: str, text: str, attempt: int = 1) -> str | None:
    """Deliver one message through the configured backend, outside the request. A provider's error is
    tried again a few times (``kuaiji.core.task_retry``)."""
    try:
        get_backend().send(mobile=mobile, text=text)
    except Exception as error:
        note = retry_later(send_sms, attempt=attempt, error=error, mobile=mobile, text=text)
        if note is None:
            raise
        return note
    return None
