"""A photo is read on the worker right after upload, and a reading never stays 识别中.

Requirements covered (synthetic cards through the real engine, the task through django-tasks):
- a match: the fields read are those printed, and what was typed matches;
- a name mismatch and a number mismatch: the comparison names the field that differs;
- an unreadable image (blank, random texture) ends as "could not read" (no text), not 识别中;
- a reading not finished within KUAIJI_CARD_READING_SECONDS shows "could not read" (timeout);
- the worker killed during recognition: the requeued task reads the card; killed on every attempt, the
  reading is given up ("could not read"); either way the page stops showing 识别中 at the time limit;
- one reading per image (the same bytes twice are read once); recognition off → no reading.
"""

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from PIL import Image

from kuaiji.core.tests.conftest import run_worker_once
from kuaiji.recognition import services
from kuaiji.recognition.constants import ReadingFailure, ReadingState
from kuaiji.recognition.matching import FieldMatch
from kuaiji.recognition.models import CardReading
from kuaiji.recognition.selectors import card_check, effective_state

from .conftest import needs_engine, photo_of, plain_face, stored

pytestmark = [pytest.mark.django_db, needs_engine]


def read(content: bytes) -> CardReading:
    import hashlib

    reading = services.request_reading(file_name=stored(content), sha256=hashlib.sha256(content).hexdigest())
    assert reading is not None
    reading.refresh_from_db()
    return reading


def jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=60)
    return out.getvalue()


def test_a_card_that_matches_what_was_typed(recognition_on):
    face = plain_face(3)
    reading = read(photo_of(face))

    assert reading.state == ReadingState.DONE
    assert (reading.name, reading.sex, reading.ethnicity) == (face.name, face.sex, face.ethnicity)
    assert (reading.birth_date, reading.number) == (face.birth_date, face.number)
    assert reading.number_valid
    assert reading.attempts == 1 and reading.seconds > 0
    check = card_check(reading, typed_name=face.name, typed_number=face.number.lower())
    assert check.all_same and check.differences == []


def test_a_name_that_differs(recognition_on):
    face = plain_face(4)
    check = card_check(read(photo_of(face)), typed_name=face.name[0] + "某某", typed_number=face.number)
    assert check.name == FieldMatch.DIFFERENT and check.number == FieldMatch.SAME
    assert check.differences == ["姓名"]


def test_a_number_that_differs(recognition_on):
    face = plain_face(5)
    other = plain_face(6).number
    check = card_check(read(photo_of(face)), typed_name=face.name, typed_number=other)
    assert check.name == FieldMatch.SAME and check.number == FieldMatch.DIFFERENT
    assert check.differences == ["证件号码"]


@pytest.mark.parametrize(
    "image",
    [
        Image.new("RGB", (1200, 800), (245, 245, 240)),
        Image.effect_noise((1200, 800), 90).convert("RGB"),
    ],
    ids=["blank", "random texture"],
)
def test_an_image_without_a_card_ends_as_could_not_read(recognition_on, image):
    reading = read(jpeg(image))
    assert (reading.state, reading.failure) == (ReadingState.UNREADABLE, ReadingFailure.NO_TEXT)
    check = card_check(reading, typed_name="张伟", typed_number="63010419900705102X")
    assert check.unreadable and not check.in_progress
    assert check.name == check.number == FieldMatch.NOT_READ


def test_a_reading_not_finished_in_time_shows_could_not_read(recognition_on, settings):
    reading = CardReading.objects.create(
        sha256="a" * 64, file_name="identity/x.jpg", state=ReadingState.READING
    )
    asked = reading.requested_at
    assert effective_state(reading, now=asked + timedelta(seconds=9)) == (ReadingState.READING, "")
    assert effective_state(reading, now=asked + timedelta(seconds=10)) == (
        ReadingState.UNREADABLE,
        ReadingFailure.TIMEOUT,
    )
    settings.KUAIJI_CARD_READING_SECONDS = 3
    check = card_check(reading, typed_name="张伟", typed_number="", now=asked + timedelta(seconds=3))
    assert check.unreadable and check.failure_label == "识别超时"


def killed_mid_read(content: bytes, *, workers: list[str]) -> tuple[CardReading, DBTaskResult]:
    """A reading as a worker killed while reading leaves it: the reading READING, the task RUNNING."""
    import hashlib

    reading = services.request_reading(file_name=stored(content), sha256=hashlib.sha256(content).hexdigest())
    assert reading is not None
    task = DBTaskResult.objects.get()
    task.status = TaskResultStatus.RUNNING
    task.started_at = timezone.now() - timedelta(minutes=30)
    task.worker_ids = workers
    task.save()
    CardReading.objects.filter(pk=reading.pk).update(
        state=ReadingState.READING, attempts=len(workers), started_at=task.started_at
    )
    reading.refresh_from_db()
    return reading, task


def test_a_worker_killed_while_reading_is_replaced_and_the_card_is_read(recognition_on, database_tasks):
    face = plain_face(7)
    reading, task = killed_mid_read(photo_of(face), workers=["killed-worker"])
    # Meanwhile the page shows 识别中 up to the limit, then "could not read".
    later = reading.requested_at + timedelta(seconds=10)
    assert effective_state(reading, now=later)[0] == ReadingState.UNREADABLE

    call_command("requeue_stale_tasks", "--older-than", "600")
    run_worker_once()

    reading.refresh_from_db()
    task.refresh_from_db()
    # Readings wait in a queue of their own: a backlog of them never holds up an SMS code.
    assert task.queue_name == "recognition"
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert (reading.state, reading.attempts, reading.number) == (ReadingState.DONE, 2, face.number)
    assert card_check(reading, typed_name=face.name, typed_number=face.number).all_same


def test_a_reading_whose_worker_dies_every_time_is_given_up(recognition_on, database_tasks):
    reading, _task = killed_mid_read(photo_of(plain_face(8)), workers=["w1", "w2"])

    call_command("requeue_stale_tasks", "--older-than", "600")
    run_worker_once()

    reading.refresh_from_db()
    assert (reading.state, reading.failure) == (ReadingState.UNREADABLE, ReadingFailure.WORKER_LOST)
    assert card_check(reading, typed_name="张伟", typed_number="").unreadable


def test_the_same_image_is_read_once(recognition_on):
    content = photo_of(plain_face(9))
    first = read(content)
    again = read(content)
    assert first.pk == again.pk and CardReading.objects.count() == 1 and again.attempts == 1


def test_no_reading_when_recognition_is_off(settings):
    settings.KUAIJI_CARD_RECOGNITION = False
    assert services.request_reading(file_name="identity/x.jpg", sha256="b" * 64) is None
    assert card_check(None, typed_name="张伟", typed_number="") is None
    assert not CardReading.objects.exists()


def test_an_engine_error_ends_as_could_not_read(recognition_on):
    reading = read(b"not an image at all")
    assert (reading.state, reading.failure) == (ReadingState.UNREADABLE, ReadingFailure.ENGINE_ERROR)
