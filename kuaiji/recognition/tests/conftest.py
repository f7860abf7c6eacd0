"""What the recognition tests share: recognition switched on, synthetic card photos, a stored photo."""

import random

import pytest

from kuaiji.core.storage import save_private_file
from kuaiji.core.tests.conftest import database_tasks  # noqa: F401 (the fixture, for the worker tests)
from kuaiji.recognition import engine
from kuaiji.recognition.synthetic import CardFace, card_photo, fake_card_face
from kuaiji.review.tests.conftest import reviewer_for  # noqa: F401 (the fixture, for the review pages)

needs_engine = pytest.mark.skipif(not engine.available(), reason="the [ocr] extra is not installed")


@pytest.fixture
def recognition_on(settings):
    settings.KUAIJI_CARD_RECOGNITION = True
    settings.KUAIJI_CARD_READING_SECONDS = 10


def plain_face(seed: int) -> CardFace:
    """A made-up person without rare characters (which the engine cannot read)."""
    return fake_card_face(rng=random.Random(seed), rare=0, minority=0)


def photo_of(face: CardFace, *, seed: int = 1) -> bytes:
    return card_photo(face, rng=random.Random(seed))


def stored(content: bytes) -> str:
    import io

    return save_private_file(io.BytesIO(content), prefix="identity", extension=".jpg")
