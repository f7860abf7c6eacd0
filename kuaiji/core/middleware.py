from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from .validators import has_control_characters

IMPORT_UPLOAD_PATH = "/imports/"
ANNOUNCEMENT_MANAGE_PATH = "/announcements/manage/"


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than KUAIJI_MAX_REQUEST_BYTES before anything parses it.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves file parts out of its count, so without this a client
    could stream an arbitrarily large upload to disk. Old registers (under /imports/, staff only) may be
    larger: KUAIJI_MAX_IMPORT_BYTES; so may a notice's attachments (under /announcements/manage/, staff
    only): KUAIJI_MAX_ANNOUNCEMENT_REQUEST_BYTES, each file then checked by the form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if request.path.startswith(IMPORT_UPLOAD_PATH):
            limit = settings.KUAIJI_MAX_IMPORT_BYTES
        elif request.path.startswith(ANNOUNCEMENT_MANAGE_PATH):
            limit = settings.KUAIJI_MAX_ANNOUNCEMENT_REQUEST_BYTES
        else:
            limit = settings.KUAIJI_MAX_REQUEST_BYTES
        if length > limit:
            limit_mb = limit // (1024 * 1024)
            if request.path.startswith("/api/"):
                from kuaiji.api.errors import error_json

                return error_json(413, f"请求内容不能超过 {limit_mb} MB")
            return render(
                request,
                "core/request_too_large.html",
                {"limit_mb": limit_mb},
                status=413,
            )
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every response Django makes.

    Nearly every page shows personal data (the signed-in person's, a reviewer's queue, what was typed
    into a refused form, an appeal's state), and the API's answers too; one rule for all dynamic
    responses is simpler and safer than a list of the pages that do. Static files (served by WhiteNoise
    before this runs) keep their long cache, and so does a view that says its answer is public.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A view that declares its answer public (the division table) holds no personal data by design.
        if "public" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_store=True)
        return response


class ControlCharacterQueryMiddleware:
    """Refuse a page request whose query string holds control characters (NUL, ESC…), with a 400 page.

    Search boxes are GET forms; NUL reaches PostgreSQL otherwise (an error) and no search term holds a
    control character. The API answers such input in its own JSON error form, so /api/ is left to it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") and any(
            has_control_characters(key) or has_control_characters(value)
            for key, values in request.GET.lists()
            for value in values
        ):
            return render(request, "core/bad_query.html", status=400)
        return self.get_response(request)


class ErrorPageMiddleware:
    """Give an error response that has no body (Django's 405 for a wrong method, a bare 403/404…) the
    site's Chinese error page, and one under /api/ that is not JSON (django-ninja's plain 405) the API's
    JSON error: never a blank or technical page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .views import ERROR_PAGES, error_page

        response = self.get_response(request)
        if response.status_code not in ERROR_PAGES or response.streaming:
            return response
        if request.path.startswith("/api/"):
            needs_page = not response.get("Content-Type", "").startswith("application/json")
        else:
            needs_page = not response.content
        if needs_page:
            replaced = error_page(request, response.status_code)
            if "Allow" in response:
                replaced["Allow"] = response["Allow"]
            return replaced
        return response


class ClientAddressMiddleware:
    """Keep the request's client address (core.http.client_ip) for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .http import _current_client_ip, client_ip

        token = _current_client_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _current_client_ip.reset(token)
