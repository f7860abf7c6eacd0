"""Accounts and validators: what a registration or sign-in costs, against the libraries underneath."""

import io
import random
import statistics
import time
from collections.abc import Callable

from PIL import Image
from stdnum.cn import ric

from kuaiji.core.constants import DocumentType
from kuaiji.core.fakes import fake_resident_id
from kuaiji.core.images import clean_image_upload


def timed(func: Callable[[], object], *, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return samples


def report(name: str, samples: list[float], baseline: list[float], baseline_name: str) -> None:
    median = statistics.median(samples)
    p95 = sorted(samples)[int(len(samples) * 0.95) - 1]
    base = statistics.median(baseline)
    print(
        f"{name:<44} median {median * 1000:9.3f} ms  p95 {p95 * 1000:9.3f} ms  "
        f"= {median / base:6.2f} x {baseline_name} ({base * 1000:.3f} ms)"
    )


class _Upload(io.BytesIO):
    def __init__(self, content: bytes, name: str):
        super().__init__(content)
        self.size = len(content)
        self.name = name


def run() -> None:
    from kuaiji.core.validators import clean_document_number

    rng = random.Random(1)
    numbers = [fake_resident_id(rng=rng) for _ in range(2000)]
    ours = timed(lambda: [clean_document_number(DocumentType.RESIDENT_ID, n) for n in numbers], repeat=15)
    theirs = timed(lambda: [ric.is_valid(n) for n in numbers], repeat=15)
    report("resident ID check, 2,000 numbers", ours, theirs, "stdnum ric.is_valid")

    # A 12-megapixel phone photo (4000×3000) through the upload sanitiser, against Pillow's bare
    # decode + re-encode of the same bytes.
    noise = Image.effect_noise((4000, 3000), 40).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=85)
    photo = buffer.getvalue()

    def bare():
        image = Image.open(io.BytesIO(photo))
        image.load()
        image.save(io.BytesIO(), "JPEG", quality=90)

    cleaned = timed(
        lambda: clean_image_upload(
            _Upload(photo, "p.jpg"), max_bytes=50 * 1024 * 1024, max_pixels=50_000_000
        ),
        repeat=5,
    )
    report(
        f"clean 12 MP JPEG upload ({len(photo) // 1024} KB)",
        cleaned,
        timed(bare, repeat=5),
        "Pillow decode+encode",
    )
