"""SMS transport. The default backend writes each message to an outbox file (the demo shows it to
staff, the tests read it); a real provider plugs in through KUAIJI_SMS_BACKEND."""

import fcntl
import json
from datetime import datetime
from typing import Protocol

from django.conf import settings
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
