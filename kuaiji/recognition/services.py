"""Asking for a reading and doing it (the worker's side)."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kuaiji.core.ratelimit import over_limit
from kuaiji.core.storage import read_stored_file

from . import engine
from .constants import ReadingFailure, ReadingState
from .models import CardReading
from .parsing import parse_card

logger = logging.getLogger(__name__)

#: A reading whose worker died this many times is given up: "could not read".
MAX_ATTEMPTS = 2


def request_reading(*, file_name: str, sha256: str, client_ip: str = "") -> CardReading | None:
    """The reading of this image, queued for the worker (after the caller's transaction commits) unless
    one exists. None when recognition is switched off (``KUAIJI_CARD_RECOGNITION``), or when the address
    has asked for more new readings this hour than ``KUAIJI_CARD_READINGS_PER_ADDRESS_HOURLY``: the photo
    is kept all the same and a reviewer looks at it."""
    if not settings.KUAIJI_CARD_RECOGNITION:
        return None
    reading = CardReading.objects.filter(sha256=sha256).first()
    if reading is not None:
        return reading
    if client_ip and over_limit(
        f"card-reading-ip:{client_ip}",
        limit=settings.KUAIJI_CARD_READINGS_PER_ADDRESS_HOURLY,
        window_seconds=3600,
    ):
        logger.warning("card readings from %s over the hourly limit; photo left to the reviewer", client_ip)
        return None
    reading, created = CardReading.objects.get_or_create(sha256=sha256, defaults={"file_name": file_name})
    if created:
        from .tasks import recognise_card

        reading_id = reading.pk
        transaction.on_commit(lambda: recognise_card.enqueue(reading_id=reading_id))
    return reading


def recognise(reading_id: int) -> str:
    """Read the card, parse it and record the fields or why it could not be read. Run by the worker;
    a second run of the same reading (a worker killed mid-read, the task requeued) reads again, up to
    ``MAX_ATTEMPTS`` times."""
    now = timezone.now()
    claimed = CardReading.objects.filter(
        pk=reading_id, state__in=[ReadingState.PENDING, ReadingState.READING], attempts__lt=MAX_ATTEMPTS
    ).update(state=ReadingState.READING, started_at=now, attempts=F("attempts") + 1)
    reading = CardReading.objects.filter(pk=reading_id).first()
    if reading is None:
        return "gone"
    if not claimed:
        if reading.state == ReadingState.READING:
            _finish(reading_id, failure=ReadingFailure.WORKER_LOST)
            return "given up"
        return "already read"
    if not engine.available():
        _finish(reading_id, failure=ReadingFailure.NOT_INSTALLED)
        return "no engine"
    started = time.perf_counter()
    try:
        lines = engine.read_lines(read_stored_file(reading.file_name))
    except Exception:
        logger.exception("reading %s failed", reading.uuid)
        _finish(reading_id, failure=ReadingFailure.ENGINE_ERROR, seconds=time.perf_counter() - started)
        return "engine error"
    fields = parse_card(lines)
    seconds = time.perf_counter() - started
    if fields.empty:
        _finish(reading_id, failure=ReadingFailure.NO_TEXT, seconds=seconds)
        return "no text"
    _finish(
        reading_id,
        seconds=seconds,
        name=fields.name[:64],
        sex=fields.sex,
        ethnicity=fields.ethnicity[:16],
        birth_date=fields.birth_date,
        address=fields.address[:200],
        number=fields.number,
        number_valid=fields.number_valid,
    )
    return "read"


def _finish(
    reading_id: int, *, failure: str = ReadingFailure.NONE, seconds: float | None = None, **fields: object
) -> None:
    CardReading.objects.filter(pk=reading_id).update(
        state=ReadingState.UNREADABLE if failure else ReadingState.DONE,
        failure=failure,
        finished_at=timezone.now(),
        engine=engine.engine_name(),
        seconds=seconds,
        **fields,
    )


def forget_readings(sha256s: list[str]) -> int:
    """Delete the readings of images no longer kept (their photos were pruned)."""
    deleted, _ = CardReading.objects.filter(sha256__in=sha256s).delete()
    return deleted
