"""SMS transport. The default backend writes each message to an outbox file (the demo shows it to
staff, the tests read it); a real provider plugs in through KUAIJI_SMS_BACKEND."""

import fcntl
import json
import os
import time
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.core.checks import CheckMessage, Warning
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    def send(self, *, mobile: str, text: str) -> None: ...


class OutboxBackend:
    """Appends one JSON line per message to KUAIJI_SMS_OUTBOX (var/sms-outbox.jsonl)."""

    def send(self, *, mobile: str, text: str) -> None:
        path = settings.KUAIJI_SMS_OUTBOX
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"sent_at": timezone.now().isoformat(), "mobile": mobile, "text": text}, ensure_ascii=False
        )
        with open(path, "a", encoding="utf-8") as outbox:
            fcntl.flock(outbox, fcntl.LOCK_EX)
            outbox.write(line + "\n")


class LoopbackDrillBackend(OutboxBackend):
    """For the production-shape drill on loopback (deploy/), where no SMS provider is reachable.

    Writes each message to KUAIJI_SMS_OUTBOX, readable by its owner only; no page shows it (the outbox
    page is not routed in production). Settings accept it in production only when it is named and
    ALLOWED_HOSTS are loopback names alone, and ``check --deploy`` warns while it is on: anyone who
    can read that file can take over the accounts whose codes it holds.
    """

    def send(self, *, mobile: str, text: str) -> None:
        # A provider's latency, for the drill that kills the worker while it sends (deploy/fault-drill).
        delay_ms = int(os.environ.get("KUAIJI_SMS_DRILL_DELAY_MS") or 0)
        if delay_ms > 0:
            time.sleep(delay_ms / 1000)
        path = settings.KUAIJI_SMS_OUTBOX
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        super().send(mobile=mobile, text=text)


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
