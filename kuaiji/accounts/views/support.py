"""The support staff's SMS delivery log (客服人员), and the provider's delivery-report callback.

The log is searched by POST with the whole number, so no number lands in a URL or an access log; the page
shows it masked and never the text of a message with a code."""

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from kuaiji.core.http import client_ip
from kuaiji.core.validators import mask_mobile

from ..forms import SmsLogSearchForm
from ..permissions import may_read_sms_log, staff_required
from ..sms import DeliveryReport
from ..sms_log import (
    ResendRefused,
    may_be_resent,
    record_delivery_reports,
    resend_sms_code,
    search_sms_log,
)

REPORT_SECRET_HEADER = "X-Kuaiji-Report-Secret"
MAX_REPORTS_PER_CALL = 1000


def _results(request, *, form: SmsLogSearchForm, mobile: str | None):
    deliveries = search_sms_log(staff=request.user, mobile=mobile, request=request) if mobile else []
    context = {
        "form": form,
        "searched": mobile is not None,
        "masked_mobile": mask_mobile(mobile) if mobile else "",
        "rows": [(delivery, may_be_resent(delivery)) for delivery in deliveries],
    }
    return render(request, "accounts/support_sms.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def sms_log(request):
    if not may_read_sms_log(request.user):
        raise PermissionDenied
    if request.method == "GET":
        return _results(request, form=SmsLogSearchForm(), mobile=None)
    form = SmsLogSearchForm(request.POST)
    if not form.is_valid():
        # A partial or wrong number finds nothing (no search by part of a number).
        return _results(request, form=form, mobile=None)
    # The typed number is not put back into the field: the page never holds it whole.
    return _results(request, form=SmsLogSearchForm(), mobile=form.cleaned_data["mobile"])


@require_POST
@staff_required
def sms_resend(request, delivery_uuid):
    if not may_read_sms_log(request.user):
        raise PermissionDenied
    from ..models import SmsDelivery

    mobile = SmsDelivery.objects.filter(uuid=delivery_uuid).values_list("mobile", flat=True).first()
    try:
        resend_sms_code(staff=request.user, delivery_uuid=str(delivery_uuid), client_ip=client_ip(request))
    except ResendRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "已重新发送验证码短信。新验证码只发到本人手机，客服人员看不到。")
    return _results(request, form=SmsLogSearchForm(), mobile=mobile)


def _report_from(item: dict) -> DeliveryReport | None:
    if not isinstance(item, dict):
        return None
    message_id, state, reason = item.get("message_id"), item.get("state"), item.get("reason", "")
    if not isinstance(message_id, str) or not isinstance(state, str) or not isinstance(reason, str):
        return None
    return DeliveryReport(provider_message_id=message_id, state=state, reason=reason)


@csrf_exempt  # called by the provider, authenticated by the shared secret
@require_POST
def sms_delivery_reports(request):
    """``{"reports": [{"message_id": …, "state": "delivered"|"failed", "reason": …}, …]}`` from the
    provider. 403 unless the header carries ``KUAIJI_SMS_REPORT_SECRET`` (never while it is unset);
    idempotent; unknown ids are ignored with 200."""
    secret = settings.KUAIJI_SMS_REPORT_SECRET
    given = request.headers.get(REPORT_SECRET_HEADER, "")
    if not secret or not constant_time_compare(given, secret):
        return JsonResponse({"error": "forbidden", "message": "回执密钥不正确"}, status=403)
    try:
        body = json.loads(request.body)
        items = body["reports"]
        if not isinstance(items, list) or len(items) > MAX_REPORTS_PER_CALL:
            raise ValueError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "bad_request", "message": "回执格式不正确"}, status=400)
    reports = [report for report in map(_report_from, items) if report is not None]
    counts = record_delivery_reports(reports, source="callback")
    counts["ignored"] += len(items) - len(reports)
    return JsonResponse(counts)
