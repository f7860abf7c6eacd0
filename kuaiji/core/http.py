"""Facts about the HTTP request that several apps need, defined once."""

from contextvars import ContextVar
from typing import overload

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request: HttpRequest) -> str:
    """The client's address.

    Behind ``KUAIJI_TRUSTED_PROXY_COUNT`` reverse proxies the address is taken from
    X-Forwarded-For, counting from the right: entries further left were written by the client and
    cannot be trusted.
    """
    proxies = settings.KUAIJI_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "0.0.0.0"


@overload
def safe_next(request: HttpRequest, default: str) -> str: ...
@overload
def safe_next(request: HttpRequest, default: None = None) -> str | None: ...
def safe_next(request: HttpRequest, default: str | None = None) -> str | None:
    """The ``next`` address the request asks to go back to, when it stays on this site; else ``default``.

    Every view that follows ``next`` calls this: ``//evil.example``, ``https://evil.example`` and
    ``/\\evil.example`` (which browsers read as ``//``) are refused by Django's own check.
    """
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# The largest key a database integer column holds; a bigger number in a filter matches nothing.
MAX_ID = 2**63 - 1


def query_id(value: str | None) -> int | None:
    """A row id typed into a filter (``?department=12``), or None when it is not one (letters, huge)."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if number <= MAX_ID else None


def posted_version(request: HttpRequest) -> int:
    """The draft version a form was built from; anything but a number counts as stale (-1), so the page
    answers with the usual "changed in another window" message instead of failing."""
    value = request.POST.get("version", "")
    return number if (number := query_id(value)) is not None else -1


# The client address of the request being handled, for code that runs without the request in hand
# (the picture captcha's challenge maker); set by core.middleware.ClientAddressMiddleware.
_current_client_ip: ContextVar[str | None] = ContextVar("kuaiji_client_ip", default=None)


def current_client_ip() -> str | None:
    return _current_client_ip.get()
