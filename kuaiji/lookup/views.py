"""证明查验 / 公开查询: the public page (no sign-in) where an employer checks a person's standing."""

from django.shortcuts import render

from kuaiji.core.http import client_ip

from . import services
from .forms import LookupForm

TYPED_FIELDS = ("full_name", "document_type", "document_number")
TOO_MANY = "查询过于频繁，请一小时后再试。同一网络或同一证件号码每小时可查询的次数有限。"


def _typed(request) -> dict[str, str]:
    """What was typed, for a form shown again with a new picture captcha."""
    return {name: request.POST.get(name, "")[:100] for name in TYPED_FIELDS}


def lookup(request):
    """GET: the form. POST: the captcha and the fields checked, then the answer, which has one shape and
    status (200) whether or not anyone holds the name and number; 429 past a limit, nothing looked up."""
    status = 200
    if request.method != "POST":
        form = LookupForm()
    elif request.POST.get("action") == "refresh_captcha":
        # 看不清，换一张 without JavaScript: the same form, a new picture.
        form = LookupForm(initial=_typed(request))
    else:
        form = LookupForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                result = services.look_up_person(
                    full_name=form.cleaned_data["full_name"],
                    document_type=form.cleaned_data["document_type"],
                    document_number=form.cleaned_data["document_number"],
                    request=request,
                    client_ip=client_ip(request),
                )
            except services.TooManyLookups:
                form = LookupForm(initial=_typed(request))
                return render(
                    request,
                    "lookup/lookup.html",
                    {"form": form, "error_summary": [("", TOO_MANY)], "too_many": True},
                    status=429,
                )
            return render(request, "lookup/result.html", {"result": result, "answer": result.answer})
    return render(
        request, "lookup/lookup.html", {"form": form, "error_summary": form.error_summary()}, status=status
    )
