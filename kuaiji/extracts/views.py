"""The person's 人员档案证明 page (issue, download, revoke, who verified) and the public verification pages."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kuaiji.archive.models import ArchiveRecord
from kuaiji.core.http import client_ip
from kuaiji.core.ratelimit import over_limit
from kuaiji.core.storage import private_file_response

from . import selectors, services
from .constants import VerificationChannel
from .forms import RevokeForm, VerifyForm
from .pdf import CREDIT_LABEL, NO_CREDIT_ENTRIES, rows_of

RATE_LIMITED_MESSAGE = "查验次数过多，请一小时后再试。"
# Each extract is signed and stored: a person needs a few, not hundreds.
ISSUES_PER_DAY = 20
TOO_MANY_ISSUED_MESSAGE = f"今天开具的证明已达 {ISSUES_PER_DAY} 份，请明天再开具；已开具的证明可以重复下载。"
NOT_FOUND_MESSAGE = "没有找到这个查验码对应的证明，请核对证明上的查验码后重新输入。"


@login_required
@require_http_methods(["GET", "POST"])
def my_extracts(request: HttpRequest) -> HttpResponse:
    has_record = ArchiveRecord.objects.filter(person=request.user.pk, current_version__isnull=False).exists()
    if request.method == "POST":
        try:
            if over_limit(f"extract-issue:{request.user.pk}", limit=ISSUES_PER_DAY, window_seconds=86400):
                raise ValidationError(TOO_MANY_ISSUED_MESSAGE, code="rate_limited")
            extract = services.issue_extract(request.user, request=request)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"已开具人员档案证明（查验码 {extract.display_code}），请下载保存。")
        return redirect("extracts:mine")
    extracts = list(selectors.extracts_of_person(request.user))
    seen = selectors.verifications_of(extracts)
    # One record per person: its fingerprint once, not once per extract.
    fingerprint = selectors.current_fingerprint(extracts[0].record) if extracts else None
    rows = [
        (extract, selectors.state_of(extract, fingerprint=fingerprint), seen.get(extract.pk, []))
        for extract in extracts
    ]
    return render(
        request,
        "extracts/mine.html",
        {"has_record": has_record, "rows": rows, "valid_days": settings.KUAIJI_EXTRACT_VALID_DAYS},
    )


@login_required
def download(request: HttpRequest, extract_uuid: uuid.UUID) -> HttpResponseBase:
    extract = selectors.extract_of_person(request.user, extract_uuid)
    return private_file_response(extract.pdf, download_name=f"人员档案证明-{extract.display_code}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, extract_uuid: uuid.UUID) -> HttpResponse:
    extract = selectors.extract_of_person(request.user, extract_uuid)
    form = RevokeForm(request.POST or None)
    if extract.revoked_at is None and request.method == "POST" and form.is_valid():
        try:
            services.revoke_extract(
                extract, by=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"证明 {extract.display_code} 已撤销，查验时将显示“已撤销”。")
        return redirect("extracts:mine")
    return render(
        request,
        "extracts/revoke.html",
        {"extract": extract, "form": form, "error_summary": form.error_summary() if form.is_bound else []},
        status=400 if form.is_bound and form.errors else 200,
    )


def _result(request: HttpRequest, verification: selectors.Verification) -> HttpResponse:
    snapshot = verification.snapshot
    return render(
        request,
        "extracts/result.html",
        {
            "verification": verification,
            "extract": verification.extract,
            "rows": rows_of(snapshot),
            "credit_label": CREDIT_LABEL,
            "credit_lines": snapshot["credit_lines"],
            "no_credit": NO_CREDIT_ENTRIES,
            "snapshot": snapshot,
        },
    )


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Type the code (public). Each typed code counts towards the address's hourly limit."""
    form = VerifyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        ip = client_ip(request)
        limit = settings.KUAIJI_EXTRACT_VERIFICATIONS_PER_ADDRESS_HOURLY
        if over_limit(f"extract-verify:{ip}", limit=limit, window_seconds=3600):
            form.is_valid()
            form.add_error("code", RATE_LIMITED_MESSAGE)
            status = 429
        elif form.is_valid():
            verification = selectors.verify_extract(
                form.cleaned_data["code"], channel=VerificationChannel.PAGE, ip=ip
            )
            if verification is not None:
                return _result(request, verification)
            form.add_error("code", NOT_FOUND_MESSAGE)
            status = 404
        else:
            status = 400
    return render(
        request,
        "extracts/verify.html",
        {"form": form, "error_summary": form.error_summary() if form.is_bound else []},
        status=status,
    )


def verify_detail(request: HttpRequest, extract_uuid: uuid.UUID) -> HttpResponse:
    """The QR code's target (public): the extract of this uuid, verified."""
    ip = client_ip(request)
    limit = settings.KUAIJI_EXTRACT_VERIFICATIONS_PER_ADDRESS_HOURLY
    form = VerifyForm()
    if over_limit(f"extract-verify-qr:{ip}", limit=limit, window_seconds=3600):
        return render(
            request, "extracts/verify.html", {"form": form, "problem": RATE_LIMITED_MESSAGE}, status=429
        )
    verification = selectors.verify_extract(str(extract_uuid), channel=VerificationChannel.QR, ip=ip)
    if verification is None:
        return render(
            request,
            "extracts/verify.html",
            {"form": form, "problem": "没有找到这份证明。请核对二维码或输入证明上的查验码。"},
            status=404,
        )
    return _result(request, verification)
