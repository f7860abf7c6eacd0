"""The OCR engine: RapidOCR (PP-OCRv4 models inside the ``rapidocr-onnxruntime`` wheel), on the CPU, offline.

Loaded once per process on first use and kept (about 60 MB of models and onnxruntime sessions); one
thread per session, so a worker process uses one core and a bounded amount of memory. Images are reduced
to ``MAX_SIDE`` pixels before reading, which bounds the time a reading takes. The engine is the optional
``[ocr]`` extra: without it ``available()`` is false and every reading ends as "could not read".
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from PIL import Image, ImageOps

MAX_SIDE = 1600
# One lock to load, another to read: a session is not shared between threads mid-run.
_load_lock = threading.Lock()
_read_lock = threading.Lock()
_engine: Any = None


@dataclass(frozen=True)
class TextLine:
    """One line of text the engine found: its text, its four corners (x, y) and its confidence."""

    text: str
    box: tuple[tuple[float, float], ...]
    score: float


class EngineMissing(RuntimeError):
    """The ``[ocr]`` extra is not installed."""


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return False
    return True


def engine_name() -> str:
    try:
        return f"rapidocr-onnxruntime {metadata.version('rapidocr-onnxruntime')} (PP-OCRv4)"
    except metadata.PackageNotFoundError:
        return "—"


def _loaded() -> Any:
    global _engine
    if _engine is None:
        with _load_lock:
            if _engine is None:
                try:
                    from rapidocr_onnxruntime import RapidOCR
                except ImportError as error:
                    raise EngineMissing(
                        "rapidocr-onnxruntime is not installed (pip install kuaiji[ocr])"
                    ) from error
                _engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    return _engine


def read_lines(image_bytes: bytes) -> list[TextLine]:
    """Every line of text in the image, as the engine reads it. Raises EngineMissing, or PIL's errors for
    bytes that are not an image."""
    import numpy as np

    opened = Image.open(io.BytesIO(image_bytes))
    image = ImageOps.exif_transpose(opened).convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    # RapidOCR takes OpenCV's channel order.
    pixels = np.asarray(image)[:, :, ::-1].copy()
    reader = _loaded()
    with _read_lock:
        result, _elapsed = reader(pixels)
    return [
        TextLine(text=str(text), box=tuple((float(x), float(y)) for x, y in box), score=float(score))
        for box, text, score in result or []
    ]


def known_characters() -> frozenset[str] | None:
    """Every character the recogniser can output (about 6,600), or None without the engine. Characters
    outside it (those of CJK Extension B and beyond, for a start) can never be read from a card."""
    global _known
    if _known is None and available():
        character_list = _loaded().text_rec.postprocess_op.character
        _known = frozenset(str(char) for char in character_list if char)
    return _known


_known: frozenset[str] | None = None
