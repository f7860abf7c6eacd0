from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than KUAIJI_MAX_REQUEST_BYTES before anything parses it.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves file parts out of its count, so without this a client
    could stream an arbitrarily large upload to disk.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.KUAIJI_MAX_REQUEST_BYTES:
            limit_mb = settings.KUAIJI_MAX_REQUEST_BYTES // (1024 * 1024)
            return render(
                request,
                "core/request_too_large.html",
                {"limit_mb": limit_mb},
                status=413,
            )
        return self.get_response(request)
