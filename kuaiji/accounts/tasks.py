from django_tasks import task

from .sms import get_backend


@task()
def send_sms(*, mobile: str, text: str) -> None:
    """Deliver one message through the configured backend, outside the request."""
    get_backend().send(mobile=mobile, text=text)
