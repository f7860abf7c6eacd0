"""What a reading shows: its state as the time limit sees it, and the comparison with what was typed.

One rule keeps 识别中 from lasting: a reading not finished ``KUAIJI_CARD_READING_SECONDS`` after it was
asked for shows as "could not read, a reviewer will check" (the worker may be busy, slow or dead), on
every page and for every reader of this module; the person goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from kuaiji.core.constants import DocumentType

from .constants import ReadingFailure, ReadingState
from .matching import FieldMatch, compare_name, compare_number
from .models import CardReading


def effective_state(reading: CardReading, *, now: datetime | None = None) -> tuple[str, str]:
    """(state, failure) as shown: pending and reading end in UNREADABLE / TIMEOUT at the time limit."""
    if reading.state in (ReadingState.PENDING, ReadingState.READING):
        limit = timedelta(seconds=settings.KUAIJI_CARD_READING_SECONDS)
        if (now or timezone.now()) - reading.requested_at >= limit:
            return ReadingState.UNREADABLE, ReadingFailure.TIMEOUT
        return ReadingState.READING, ReadingFailure.NONE
    return reading.state, reading.failure


@dataclass(frozen=True)
class CardCheck:
    """A reading compared with what the person typed."""

    reading: CardReading
    state: str  # ReadingState: READING (still within the limit), DONE or UNREADABLE
    failure: str
    name: FieldMatch
    number: FieldMatch
    compared: bool  # False for a document other than a resident ID card: shown, not compared
    seconds_left: float
    typed_name: str = ""
    typed_number: str = ""

    @property
    def in_progress(self) -> bool:
        return self.state == ReadingState.READING

    @property
    def unreadable(self) -> bool:
        return self.state == ReadingState.UNREADABLE

    @property
    def all_same(self) -> bool:
        return (
            self.state == ReadingState.DONE
            and self.name == FieldMatch.SAME
            and self.number == FieldMatch.SAME
        )

    @property
    def differences(self) -> list[str]:
        """The fields that differ, in the order of the form."""
        fields = (("姓名", self.name), ("证件号码", self.number))
        return [label for label, outcome in fields if outcome == FieldMatch.DIFFERENT]

    def get_name_display(self) -> str:
        return FieldMatch(self.name).label

    def get_number_display(self) -> str:
        return FieldMatch(self.number).label

    @property
    def failure_label(self) -> str:
        return ReadingFailure(self.failure).label if self.failure else ""


def card_check(
    reading: CardReading | None,
    *,
    typed_name: str,
    typed_number: str,
    document_type: str = DocumentType.RESIDENT_ID,
    now: datetime | None = None,
) -> CardCheck | None:
    """The reading compared with the name and number typed; None without a reading (recognition off)."""
    if reading is None:
        return None
    now = now or timezone.now()
    state, failure = effective_state(reading, now=now)
    compared = document_type == DocumentType.RESIDENT_ID
    done = state == ReadingState.DONE and compared
    limit = timedelta(seconds=settings.KUAIJI_CARD_READING_SECONDS)
    return CardCheck(
        reading=reading,
        state=state,
        failure=failure,
        name=compare_name(typed_name, reading.name) if done else FieldMatch.NOT_READ,
        number=compare_number(typed_number, reading.number) if done else FieldMatch.NOT_READ,
        compared=compared,
        seconds_left=max(0.0, (reading.requested_at + limit - now).total_seconds()),
        typed_name=typed_name or "",
        typed_number=typed_number or "",
    )


def reading_of(sha256: str) -> CardReading | None:
    """The reading of the image with this SHA-256, if one was asked for."""
    if not sha256:
        return None
    return CardReading.objects.filter(sha256=sha256).first()


def readings_of(sha256s: list[str]) -> dict[str, CardReading]:
    """Readings by image SHA-256, in one query (a review page's images)."""
    return {
        reading.sha256: reading
        for reading in CardReading.objects.filter(sha256__in=[s for s in sha256s if s])
    }
