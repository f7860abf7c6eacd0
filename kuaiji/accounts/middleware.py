from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import timezone

from .sessions import LAST_SEEN_AT, SIGNED_IN_AT

# Writing the session on every request is wasteful; a minute of slack on the idle limit is not.
TOUCH_EVERY_SECONDS = 60


class SessionLifetimeMiddleware:
    """End sessions idle for 30 minutes (applicants) or 15 (staff), and any older than 12 hours."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            signed_in_at = request.session.get(SIGNED_IN_AT, now)
            last_seen_at = request.session.get(LAST_SEEN_AT, now)
            idle_limit = (
                settings.KUAIJI_SESSION_IDLE_STAFF
                if user.is_staff_member
                else settings.KUAIJI_SESSION_IDLE_APPLICANT
            )
            if (
                now - last_seen_at > idle_limit.total_seconds()
                or now - signed_in_at > settings.KUAIJI_SESSION_ABSOLUTE.total_seconds()
            ):
                logout(request)
                messages.info(request, "由于长时间未操作，您已安全退出，请重新登录。")
                return redirect(settings.LOGIN_URL)
            if now - last_seen_at > TOUCH_EVERY_SECONDS or LAST_SEEN_AT not in request.session:
                request.session[LAST_SEEN_AT] = now
                request.session.setdefault(SIGNED_IN_AT, now)
        return self.get_response(request)
