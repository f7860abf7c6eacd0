"""Sign-in throttling: django-axes locks an account after 5 failures for 15 minutes; a client address
that fails across many accounts is throttled here; after 3 failures a picture captcha is asked."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from axes.models import AccessAttempt
from axes.utils import reset as reset_axes_attempts

from .backends import find_applicant, normalise_login


def login_key(raw_login: str | None) -> str | None:
    """The key axes counts failures under: one per account, whichever identifier was typed.

    A document number and the verified mobile of one applicant map to the same key (else each would get
    its own 5 tries); what matches no account is keyed by itself, so guessing unknown numbers locks too.
    Either way a keyed hash, so axes' table and log lines carry no document number.
    """
    if not raw_login:
        return None
    applicant = find_applicant(raw_login)
    subject = f"account:{applicant.pk}" if applicant is not None else f"typed:{normalise_login(raw_login)}"
    digest = salted_hmac("kuaiji.accounts.signin", subject, algorithm="sha256").hexdigest()
    return "h:" + digest[:40]


def axes_username(request, credentials) -> str | None:
    credentials = credentials or {}
    raw = credentials.get("login") or credentials.get("username")
    if not raw and request is not None:
        # On a successful sign-in axes asks with the user's USERNAME_FIELD, which applicants leave empty;
        # their failures were counted under what was typed, so reset those.
        raw = getattr(request, "POST", {}).get("login")
    return login_key(raw)


def clear_failures(user) -> None:
    """Forget the account's sign-in failures: a password reset proves the phone, so it unlocks too."""
    if user.document_number:
        reset_axes_attempts(username=login_key(user.document_number))


def _recent(now=None):
    now = now or timezone.now()
    return AccessAttempt.objects.filter(attempt_time__gte=now - settings.AXES_COOLOFF_TIME)


def failures_for_login(raw_login: str) -> int:
    key = login_key(raw_login)
    if key is None:
        return 0
    return _recent().filter(username=key).aggregate(total=Sum("failures_since_start"))["total"] or 0


def failures_from_address(ip: str) -> int:
    return _recent().filter(ip_address=ip).aggregate(total=Sum("failures_since_start"))["total"] or 0


def minutes_until_unlocked(raw_login: str) -> int:
    key = login_key(raw_login)
    last = (
        _recent()
        .filter(username=key)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if last is None:
        return 0
    remaining = last + settings.AXES_COOLOFF_TIME - timezone.now()
    return max(1, int(remaining / timedelta(minutes=1)) + 1)


def address_is_throttled(ip: str) -> bool:
    return failures_from_address(ip) >= settings.KUAIJI_SIGNIN_IP_FAILURE_LIMIT


def captcha_required(*, raw_login: str, ip: str) -> bool:
    after = settings.KUAIJI_SIGNIN_CAPTCHA_AFTER
    return failures_for_login(raw_login) >= after or failures_from_address(ip) >= after


def lockout_response(request, original_response=None, credentials=None):
    """Axes calls this when it locks out; our sign-in views already rendered the explanation."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    minutes = int(settings.AXES_COOLOFF_TIME / timedelta(minutes=1))
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
