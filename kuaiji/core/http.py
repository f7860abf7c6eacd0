"""Facts about the HTTP request that several apps need, defined once."""

from django.conf import settings
from django.http import HttpRequest


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
