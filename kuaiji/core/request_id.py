"""A request id on every request and every log line written while it runs.

nginx makes one per request (``$request_id``) and passes it as ``X-Request-ID``; without a proxy (or
when what came is not a plain token) the app makes its own. The id is answered in the
``X-Request-ID`` response header on pages and API alike, and the :class:`RequestIdFilter` (on the log
handlers in settings.LOGGING) writes it into each record, so a reported id finds the request's lines.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

HEADER = "X-Request-ID"
# What a proxy sends: hex, a UUID, base64url-ish tokens. Anything else (spaces, quotes, control
# characters, very long values) could forge log lines, so it is replaced by our own.
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
# What a log line carries outside a request (the task worker, management commands).
NO_REQUEST = "-"

_current_request_id: ContextVar[str] = ContextVar("kuaiji_request_id", default=NO_REQUEST)


def current_request_id() -> str:
    return _current_request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def incoming_request_id(request: HttpRequest) -> str:
    """The proxy's id when it is a plain token, else a new one."""
    value = request.META.get("HTTP_X_REQUEST_ID", "")
    return value if _SANE_ID.fullmatch(value) else new_request_id()


class RequestIdMiddleware:
    """First in MIDDLEWARE, so every answer (redirects and error pages too) carries the id.

    The id stays set until the request is finished (Django's ``request_finished``), not only while the
    middleware runs: Django logs a 4xx/5xx answer ("Not Found: /x") after the middleware chain returns.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = incoming_request_id(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        _current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def _forget_request_id(**kwargs: object) -> None:
    _current_request_id.set(NO_REQUEST)


request_finished.connect(_forget_request_id, dispatch_uid="kuaiji_forget_request_id")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record that passes the handler it is attached to."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = _current_request_id.get()
        return True


class JsonLogFormatter(JsonFormatter):
    """python-json-logger's formatter, without the ``request`` attribute Django adds to its records:
    its text is the full path with the query string, which can hold what a person searched for (a name,
    a document number). The message ("Not Found: /path") already names the path."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)
