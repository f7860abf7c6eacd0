"""SMS verification codes: issue with rate limits, check with a try limit, consume once."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from kuaiji.core.http import current_client_ip

from .backends import normalise_login
from .constants import SmsPurpose
from .models import SmsCode, SmsDelivery, User
from .sms_log import record_queued_sms
from .tasks import send_sms

CODE_MESSAGES = {
    SmsPurpose.REGISTER: "您正在注册账号",
    SmsPurpose.RESET_PASSWORD: "您正在找回密码",
    SmsPurpose.ACTIVATE: "您正在为原有账号设置密码",
    SmsPurpose.APPEAL: "您正在提交账号申诉",
    SmsPurpose.CHANGE_MOBILE: "您正在更换手机号码",
}


def harder_captcha_needed(*, client_ip: str | None, now: datetime | None = None) -> bool:
    """Whether this address has asked for so many codes this hour that its picture captcha is harder."""
    if not client_ip:
        return False
    now = now or timezone.now()
    sent = SmsCode.objects.filter(client_ip=client_ip, created_at__gte=now - timedelta(hours=1)).count()
    return sent >= settings.KUAIJI_SMS_HARDER_CAPTCHA_AFTER


def captcha_length() -> int:
    """How many characters the picture captcha of the current request has."""
    if harder_captcha_needed(client_ip=current_client_ip()):
        return settings.KUAIJI_HARD_CAPTCHA_LENGTH
    return settings.CAPTCHA_LENGTH


def captcha_challenge() -> tuple[str, str]:
    """django-simple-captcha's challenge maker (CAPTCHA_CHALLENGE_FUNCT): letters without look-alikes,
    longer for a busy address, for every captcha (pages, its refresh view, the API)."""
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    challenge = "".join(secrets.choice(letters) for _ in range(captcha_length()))
    return challenge, challenge.lower()


def _code_hash(*, mobile: str, purpose: str, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the table alone does not give the codes away.
    return salted_hmac(
        "kuaiji.accounts.sms_code", f"{mobile}:{purpose}:{code}", algorithm="sha256"
    ).hexdigest()


def seconds_until_next_code(*, mobile: str, now: datetime | None = None) -> int:
    now = now or timezone.now()
    last = (
        SmsCode.objects.filter(mobile=mobile)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is None:
        return 0
    wait = settings.KUAIJI_SMS_PER_PHONE_INTERVAL - (now - last)
    return max(0, int(wait.total_seconds() + 0.999))


def request_sms_code(
    *, mobile: str, purpose: str, client_ip: str, now: datetime | None = None
) -> SmsDelivery:
    """Create a code for ``mobile`` and send it after the transaction commits; return its log row.

    Raises ValidationError (code "rate_limited") when the phone asked less than 60 s ago, has had
    10 codes today, or the client address asked for 20 in the last hour. The caller has already
    checked the picture captcha.
    """
    now = now or timezone.now()
    _check_phone_limits(mobile=mobile, now=now)
    _check_address_limit(client_ip=client_ip, now=now)
    return _issue_code(mobile=mobile, purpose=purpose, client_ip=client_ip, now=now)


def request_reset_code(
    *,
    document_type: str,
    document_number: str,
    user: User | None,
    client_ip: str,
    now: datetime | None = None,
) -> None:
    """Send a password-reset code to ``user``'s phone, answering alike whether or not ``user`` exists.

    ``user`` is the account the typed (type, number, name) names, or None. The 60 s wait is kept per
    typed document, for real and made-up ones alike, so a second request within it is refused the same
    way for both; the phone's own limits, which only a real account has, never show: when they hold,
    nothing is sent and the answer is the same as when it is.
    """
    now = now or timezone.now()
    _check_address_limit(client_ip=client_ip, now=now)
    interval = settings.KUAIJI_SMS_PER_PHONE_INTERVAL
    digest = salted_hmac(
        "kuaiji.accounts.reset_code",
        f"{document_type}:{normalise_login(document_number)}",
        algorithm="sha256",
    ).hexdigest()
    key = f"sms-reset-interval:{digest[:40]}"
    if not cache.add(key, now.timestamp(), int(interval.total_seconds())):
        asked_at = cache.get(key, now.timestamp())
        wait = max(1, int(interval.total_seconds() - (now.timestamp() - asked_at) + 0.999))
        raise ValidationError(f"获取验证码过于频繁，请 {wait} 秒后再试", code="rate_limited")
    if user is None or not user.mobile:
        return
    try:
        _check_phone_limits(mobile=user.mobile, now=now)
    except ValidationError:
        return
    _issue_code(mobile=user.mobile, purpose=SmsPurpose.RESET_PASSWORD, client_ip=client_ip, now=now)


def _check_phone_limits(*, mobile: str, now: datetime) -> None:
    wait = seconds_until_next_code(mobile=mobile, now=now)
    # cache.add is atomic: of two simultaneous requests for the same phone only one gets through.
    if wait > 0 or not cache.add(f"sms-interval:{mobile}", 1, settings.KUAIJI_SMS_PER_PHONE_INTERVAL.seconds):
        wait = wait or settings.KUAIJI_SMS_PER_PHONE_INTERVAL.seconds
        raise ValidationError(f"获取验证码过于频繁，请 {wait} 秒后再试", code="rate_limited")
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if (
        SmsCode.objects.filter(mobile=mobile, created_at__gte=start_of_day).count()
        >= settings.KUAIJI_SMS_PER_PHONE_DAILY
    ):
        raise ValidationError("该手机号今日获取验证码的次数已达上限，请明天再试", code="rate_limited")


def _check_address_limit(*, client_ip: str, now: datetime) -> None:
    hour_ago = now - timedelta(hours=1)
    if (
        SmsCode.objects.filter(client_ip=client_ip, created_at__gte=hour_ago).count()
        >= settings.KUAIJI_SMS_PER_ADDRESS_HOURLY
    ):
        raise ValidationError("当前网络获取验证码过于频繁，请一小时后再试", code="rate_limited")


def _issue_code(*, mobile: str, purpose: str, client_ip: str, now: datetime) -> SmsDelivery:
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        # Only the newest code of a purpose is valid.
        SmsCode.objects.filter(mobile=mobile, purpose=purpose, used_at__isnull=True).update(used_at=now)
        SmsCode.objects.create(
            mobile=mobile,
            purpose=purpose,
            code_hash=_code_hash(mobile=mobile, purpose=purpose, code=code),
            client_ip=client_ip,
            created_at=now,
            expires_at=now + settings.KUAIJI_SMS_CODE_TTL,
        )
        minutes = int(settings.KUAIJI_SMS_CODE_TTL.total_seconds() // 60)
        text = (
            f"【{settings.KUAIJI_SITE_NAME}】验证码 {code}，{CODE_MESSAGES[SmsPurpose(purpose)]}，"
            f"{minutes} 分钟内有效。如非本人操作，请忽略本短信。"
        )
        # The log keeps only that a code was sent, never the text that holds it.
        delivery = record_queued_sms(mobile=mobile, kind=purpose)
        delivery_uuid = str(delivery.uuid)
        transaction.on_commit(lambda: send_sms.enqueue(mobile=mobile, text=text, delivery=delivery_uuid))
    return delivery


def check_sms_code(*, mobile: str, purpose: str, code: str, now: datetime | None = None) -> SmsCode:
    """Return the valid code row matching ``code``; count a wrong try and raise otherwise.

    Call it outside a transaction that may roll back, so wrong tries are kept. The code is not used up
    until ``consume_sms_code`` runs in the transaction of the change it authorises.
    """
    now = now or timezone.now()
    sms_code = (
        SmsCode.objects.filter(mobile=mobile, purpose=purpose, used_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if sms_code is None or sms_code.expires_at <= now:
        raise ValidationError("短信验证码已失效，请重新获取", code="expired")
    if sms_code.failed_attempts >= settings.KUAIJI_SMS_CODE_MAX_TRIES:
        raise ValidationError("短信验证码错误次数过多，请重新获取", code="too_many_tries")
    expected = _code_hash(mobile=mobile, purpose=purpose, code=code.strip())
    if not constant_time_compare(expected, sms_code.code_hash):
        SmsCode.objects.filter(pk=sms_code.pk).update(failed_attempts=F("failed_attempts") + 1)
        left = settings.KUAIJI_SMS_CODE_MAX_TRIES - sms_code.failed_attempts - 1
        if left <= 0:
            raise ValidationError("短信验证码错误次数过多，请重新获取", code="too_many_tries")
        raise ValidationError(f"短信验证码不正确，还可以尝试 {left} 次", code="wrong")
    return sms_code


def consume_sms_code(sms_code: SmsCode, *, now: datetime | None = None) -> None:
    """Use the code up; raises if another request used it first. Call inside the change's transaction."""
    now = now or timezone.now()
    used = SmsCode.objects.filter(pk=sms_code.pk, used_at__isnull=True).update(used_at=now)
    if not used:
        raise ValidationError("短信验证码已使用，请重新获取", code="used")
