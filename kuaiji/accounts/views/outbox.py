"""The SMS outbox page (demo and test modes only)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from ..sms import read_outbox


def sms_outbox(request):
    if (
        not settings.KUAIJI_SMS_OUTBOX_PAGE
        or settings.KUAIJI_SMS_BACKEND != "kuaiji.accounts.sms.OutboxBackend"
    ):
        raise Http404
    return render(request, "accounts/sms_outbox.html", {"outbox": read_outbox(limit=50)})
