"""Maintenance and read-only modes, switched without a code change (``manage.py platform_mode``, the admin).

Maintenance: applicants and visitors get a page saying when the platform is back (the API a 503 with
Retry-After); staff go on. Read-only: everyone may sign in and look, no write is accepted (a 503 saying
so), for upgrades and incidents. The mode is read once a second per process at most (then the cache, then
the row), so the check costs nothing on a hot request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event

from .models import PlatformMode

CACHE_KEY = "platform-mode"
LOCAL_SECONDS = 1.0
# Paths that work in every mode: health checks, metrics, static files, the admin (where the mode is
# switched back) and the staff's way in.
ALWAYS = (
    "/healthz/",
    "/readyz/",
    "/metrics",
    "/static/",
    "/admin/",
    "/staff/sign-in/",
    "/captcha/",
    "/regions/",
    "/sms/delivery-reports/",  # the provider reports deliveries whatever the mode
)
# Writes that read-only mode still takes: signing in and out (a session is not the record).
SIGN_IN_WRITES = ("/sign-in/", "/sign-out/", "/api/v1/tokens", "/api/v1/staff/tokens")
# Staff pages and the staff API go on during maintenance.
STAFF_PATHS = (
    "/review/",
    "/archive/",
    "/audit/",
    "/credit/",
    "/imports/",
    "/exports/",
    "/statistics/",
    "/announcements/manage",
    "/api/v1/staff/",
)
DEFAULT_RETRY_SECONDS = 600


@dataclass(frozen=True)
class ModeState:
    mode: str
    message: str = ""
    until: datetime | None = None

    @property
    def normal(self) -> bool:
        return self.mode == PlatformMode.Mode.NORMAL

    def retry_after(self, now: datetime | None = None) -> int:
        if self.until is None:
            return DEFAULT_RETRY_SECONDS
        return max(60, int((self.until - (now or timezone.now())).total_seconds()))


NORMAL = ModeState(PlatformMode.Mode.NORMAL)
_local: tuple[float, ModeState] | None = None


def current_mode() -> ModeState:
    """The mode now: a second's memory in the process, then the shared cache, then the row."""
    global _local
    if _local is not None and _local[0] > time.monotonic():
        return _local[1]
    state = cache.get(CACHE_KEY)
    if state is None:
        row = PlatformMode.objects.filter(pk=1).first()
        state = ModeState(row.mode, row.message, row.until) if row is not None else NORMAL
        cache.set(CACHE_KEY, state, 30)
    _local = (time.monotonic() + LOCAL_SECONDS, state)
    return state


def assume_normal_mode() -> None:
    """Tests: start as a process that has read the (normal) mode already."""
    global _local
    _local = None
    cache.set(CACHE_KEY, NORMAL, 30)


def forget_cached_mode() -> None:
    global _local
    _local = None
    cache.delete(CACHE_KEY)


@transaction.atomic
def set_mode(*, mode: str, message: str = "", until: datetime | None = None, by=None) -> PlatformMode:
    """Switch the platform's mode (audited). Every process sees it within a second or so."""
    if mode not in PlatformMode.Mode.values:
        raise ValueError(f"unknown mode {mode!r}")
    row, _ = PlatformMode.objects.update_or_create(
        pk=1,
        defaults={"mode": mode, "message": message, "until": until, "set_by": by, "set_at": timezone.now()},
    )
    record_event(
        action=AuditAction.PLATFORM_MODE_SET,
        actor=by,
        target=row,
        details={"mode": mode, "message": message, "until": until.isoformat() if until else None},
    )
    transaction.on_commit(forget_cached_mode)
    return row


def _is_staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and getattr(user, "is_staff_member", False))


def refusal(request: HttpRequest, state: ModeState) -> HttpResponse | None:
    """The answer this mode gives ``request`` instead of the view, or None to let it through."""
    path = request.path
    if state.normal or path.startswith(ALWAYS):
        return None
    if state.mode == PlatformMode.Mode.MAINTENANCE:
        if _is_staff(request) or path.startswith(STAFF_PATHS):
            return None
        return _answer(
            request, state, code="maintenance", title="系统维护中", text="平台正在维护，暂时不能使用。"
        )
    if request.method in ("GET", "HEAD", "OPTIONS") or path.startswith(SIGN_IN_WRITES):
        return None
    return _answer(
        request,
        state,
        code="read_only",
        title="系统只读维护中",
        text="平台正在只读维护：可以登录和查看，暂时不能提交或修改。这次提交的内容没有保存，请在恢复后重新提交。",
    )


def _answer(request: HttpRequest, state: ModeState, *, code: str, title: str, text: str) -> HttpResponse:
    until = timezone.localtime(state.until).strftime("%Y-%m-%d %H:%M") if state.until else ""
    if request.path.startswith("/api/"):
        message = text + (f"预计 {until} 恢复。" if until else "") + (state.message or "")
        response: HttpResponse = JsonResponse({"code": code, "message": message, "errors": {}}, status=503)
    else:
        response = render(
            request,
            "core/platform_mode.html",
            {"title": title, "text": text, "until": until, "message": state.message},
            status=503,
        )
    response["Retry-After"] = str(state.retry_after())
    return response


class PlatformModeMiddleware:
    """Answers for the mode before any view (after authentication, so staff are known)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        answer = refusal(request, current_mode())
        return answer if answer is not None else self.get_response(request)
