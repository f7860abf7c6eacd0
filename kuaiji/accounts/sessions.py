"""Server-side sessions per account, so signing out, resetting a password or an appeal can end them."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.utils import timezone

from kuaiji.core.http import client_ip

from .models import User, UserSession

SIGNED_IN_AT = "kuaiji_signed_in_at"
LAST_SEEN_AT = "kuaiji_last_seen_at"


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def end_sessions(user: User, *, keep_session_key: str | None = None) -> int:
    """Delete the user's sessions from the session store (except ``keep_session_key``)."""
    store = _store()
    ended = 0
    for record in UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or ""):
        store(session_key=record.session_key).delete()
        record.delete()
        ended += 1
    return ended


def keep_session_after_password_change(request, user: User) -> None:
    """Keep this browser signed in after its password changed; the session gets a new key, so the
    UserSession row follows it (else a later reset or appeal could not end this session)."""
    old_key = request.session.session_key
    update_session_auth_hash(request, user)
    UserSession.objects.filter(session_key=old_key).update(session_key=request.session.session_key)


@receiver(user_logged_in)
def _track_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now().timestamp()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now
    request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": user, "client_ip": client_ip(request)}
    )


@receiver(user_logged_out)
def _forget_session(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
