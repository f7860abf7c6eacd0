"""What the import's steps share: chunk size, the stall limit, the state error, progress callbacks."""

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError

from ..models import ImportBatch

CHUNK_ROWS = 2000
# An import with no progress for this long is shown as stopped, and may be resumed by hand.
STALLED_AFTER = timedelta(minutes=2)


class ImportStateError(ValidationError):
    """The batch is not in a state that allows this step (a Chinese message for the page)."""


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _key(document_type: str, number: str) -> str:
    return f"{document_type}:{number}"


Progress = Callable[[int], None]


def _header(batch: ImportBatch, field: str) -> str:
    index = batch.column_mapping.get(field)
    return batch.headers[index] if index is not None and index < len(batch.headers) else ""


def _enqueue(task_name: str, batch_pk: int) -> None:
    from .. import tasks

    getattr(tasks, task_name).enqueue(batch_pk=batch_pk)
