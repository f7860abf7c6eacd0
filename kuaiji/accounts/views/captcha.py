"""看不清，换一张 without reloading: django-simple-captcha's refresh, plus the new picture's length."""

import json

from django.http import Http404, HttpRequest, HttpResponse

from captcha.models import CaptchaStore
from captcha.views import captcha_refresh as library_refresh


def captcha_refresh(request: HttpRequest) -> HttpResponse:
    """The library's JSON (key, image_url) with ``length``: an address that has asked for many SMS codes
    gets a longer captcha (``verification.captcha_length``), and the page's hint must then say so."""
    response = library_refresh(request)
    if response.status_code != 200:
        raise Http404
    data = json.loads(response.content)
    answer = CaptchaStore.objects.filter(hashkey=data["key"]).values_list("response", flat=True).first() or ""
    data["length"] = len(answer)
    return HttpResponse(json.dumps(data), content_type="application/json")
