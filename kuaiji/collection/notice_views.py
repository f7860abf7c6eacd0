"""The public notices page: the wizard's notice (阅读须知) readable before signing in."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .services import current_notice


def public_notice(request: HttpRequest) -> HttpResponse:
    # The same notice the wizard asks the applicant to accept: one read, no copy of its text.
    return render(request, "collection/public_notice.html", {"notice": current_notice()})
