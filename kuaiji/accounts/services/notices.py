"""Messages to a person: in the site and by SMS."""

from django.db import transaction

from ..models import User


def notify(*, user: User, text: str, link: str = "", sms: bool = True) -> None:
    """An in-site message, and the same words by SMS (after commit) when the person has a mobile."""
    from ..constants import SmsKind
    from ..models import Notification
    from ..sms_log import record_queued_sms
    from ..tasks import send_sms

    Notification.objects.create(user=user, text=text, link=link)
    if sms and user.mobile:
        from django.conf import settings

        message = f"【{settings.KUAIJI_SITE_NAME}】{text}"
        delivery = str(record_queued_sms(mobile=user.mobile, kind=SmsKind.NOTICE, text=message).uuid)
        transaction.on_commit(lambda: send_sms.enqueue(mobile=user.mobile, text=message, delivery=delivery))
