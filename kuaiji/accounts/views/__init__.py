"""Account pages. Thin: they read the form, call a service and choose what to show.

Pages that send an SMS code post the whole form with ``action=send_code``; the page comes back with
everything typed kept (passwords aside) and a fresh picture captcha, so it works without JavaScript.
"""

from .appeals import APPEAL_PHOTO_FIELDS, appeal, appeal_lookup, appeal_status
from .captcha import captcha_refresh
from .home import account, agreement, home, identity_photo
from .legacy import activate
from .outbox import sms_outbox
from .passwords import reset_password
from .registration import register, register_photo, register_photo_check
from .signing import STAFF_PENDING, sign_in, sign_out, staff_sign_in, staff_verify
from .steps import CODE_SENT, PhotoSlot
from .support import sms_delivery_reports, sms_log, sms_resend

__all__ = [
    "APPEAL_PHOTO_FIELDS",
    "CODE_SENT",
    "STAFF_PENDING",
    "PhotoSlot",
    "account",
    "activate",
    "agreement",
    "appeal",
    "appeal_lookup",
    "appeal_status",
    "captcha_refresh",
    "home",
    "identity_photo",
    "register",
    "register_photo",
    "register_photo_check",
    "reset_password",
    "sign_in",
    "sign_out",
    "sms_delivery_reports",
    "sms_log",
    "sms_outbox",
    "sms_resend",
    "staff_sign_in",
    "staff_verify",
]
