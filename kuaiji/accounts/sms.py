"""SMS transport. The default backend writes each message to an outbox file (the demo shows it to
staff, the tests read it); a real provider plugs in through KUAIJI_SMS_BACKEND.

A backend's ``send`` may return the provider's message id; the provider then reports what became of the
message, either by calling ``/sms/delivery-reports/`` (``views.sms_reports``) or, for a provider without
callbacks, through the backend's ``fetch_reports()``, which ``manage.py poll_sms_reports`` calls
(docs/decisions/0032-sms-delivery-log.md)."""

import fcntl
import json
import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.core.checks import CheckMessage, Warning
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class DeliveryReport:
    """What the provider says became of one message: "delivered", or "failed" with its reason."""

    provider_message_id: str
    state: str
    reason: str = ""
    reported_at: datetime | None = None


class SmsBackend(Protocol):
    def send(self, *, mobile: str, text: str) -> str | None:
        """Hand the message to the provider; return its message id, if it gives one. Raise on an error."""
        ...


class PollingSmsBackend(SmsBackend, Protocol):
    def fetch_reports(self) -> Iterable[DeliveryReport]:
        """The provider's delivery reports not fetched before (reports fetched twice do no harm)."""
        ...


# The outbox's simulated provider (the demo and the tests rely on it):
#   a number ending in 00 is 空号: every message to it fails;
#   a number ending in another 0 is switched off: its first message fails (用户关机), later ones arrive;
#   every other number: delivered.
OUTBOX_EMPTY_NUMBER = "空号"
OUTBOX_SWITCHED_OFF = "用户关机或不在服务区"


class OutboxBackend:
    """Appends one JSON line per message to KUAIJI_SMS_OUTBOX (var/sms-outbox.jsonl), and simulates the
    provider's delivery reports so the demo shows every state, reported at once (``reports_at_once``):

    - a number ending in ``00`` is 空号: every message to it fails;
    - a number ending in another ``0`` is switched off: its first message fails
      (用户关机或不在服务区), later ones are delivered — so support can resend a code that arrives;
    - every other number: delivered.
    """

    reports_at_once = True

    def send(self, *, mobile: str, text: str) -> str | None:
        path = settings.KUAIJI_SMS_OUTBOX
        path.parent.mkdir(parents=True, exist_ok=True)
        message_id = f"outbox-{uuid.uuid4()}"
        with open(path, "a+", encoding="utf-8") as outbox:
            fcntl.flock(outbox, fcntl.LOCK_EX)
            outbox.seek(0)
            earlier = sum(1 for line in outbox if line.strip() and json.loads(line)["mobile"] == mobile)
            state, reason = _simulated_outcome(mobile=mobile, earlier=earlier)
            line = json.dumps(
                {
                    "sent_at": timezone.now().isoformat(),
                    "mobile": mobile,
                    "text": text,
                    "message_id": message_id,
                    "state": state,
                    "reason": reason,
                },
                ensure_ascii=False,
            )
            outbox.write(line + "\n")
        return message_id

    def fetch_reports(self) -> list[DeliveryReport]:
        return [
            DeliveryReport(provider_message_id=m["message_id"], state=m["state"], reason=m["reason"])
            for m in read_outbox(limit=500)
            if m.get("message_id")
        ]


def _simulated_outcome(*, mobile: str, earlier: int) -> tuple[str, str]:
    if mobile.endswith("00"):
        return "failed", OUTBOX_EMPTY_NUMBER
    if mobile.endswith("0") and earlier == 0:
        return "failed", OUTBOX_SWITCHED_OFF
    return "delivered", ""


class LoopbackDrillBackend(OutboxBackend):
    """For the production-shape drill on loopback (deploy/), where no SMS provider is reachable.

    Writes each message to KUAIJI_SMS_OUTBOX, readable by its owner only; no page shows it (the outbox
    page is not routed in production). Settings accept it in production only when it is named and
    ALLOWED_HOSTS are loopback names alone, and ``check --deploy`` warns while it is on: anyone who
    can read that file can take over the accounts whose codes it holds.
    """

    reports_at_once = False  # nothing reports on the drill: its messages stay 已提交

    def send(self, *, mobile: str, text: str) -> str | None:
        # A provider's latency, for the drill that kills the worker while it sends (deploy/fault-drill).
        delay_ms = int(os.environ.get("KUAIJI_SMS_DRILL_DELAY_MS") or 0)
        if delay_ms > 0:
            time.sleep(delay_ms / 1000)
        path = settings.KUAIJI_SMS_OUTBOX
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        return super().send(mobile=mobile, text=text)


DRILL_BACKEND = f"{LoopbackDrillBackend.__module__}.{LoopbackDrillBackend.__qualname__}"


def check_drill_backend(app_configs, **kwargs) -> list[CheckMessage]:
    """`check --deploy`: the drill sink is never what a public site runs."""
    if settings.KUAIJI_SMS_BACKEND != DRILL_BACKEND:
        return []
    return [
        Warning(
            "KUAIJI_SMS_BACKEND is the loopback drill sink: SMS codes are written to a file, not sent.",
            hint="Name a real SMS provider before the site is reachable by anyone.",
            id="kuaiji.W001",
        )
    ]


def get_backend() -> SmsBackend:
    return import_string(settings.KUAIJI_SMS_BACKEND)()


def read_outbox(*, limit: int = 100) -> list[dict]:
    """The newest messages first."""
    path = settings.KUAIJI_SMS_OUTBOX
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as outbox:
        lines = outbox.readlines()
    messages = [json.loads(line) for line in reversed(lines[-limit:]) if line.strip()]
    for message in messages:
        message["sent_at"] = datetime.fromisoformat(message["sent_at"])
    return messages
