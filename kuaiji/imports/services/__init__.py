"""Importing an old register: upload, confirm the column mapping, check every line (the dry run), then
import the valid lines as one resumable batch. Pages, the command and the tests all call these.

Each step is its own transaction; the check and the import commit every ``CHUNK_ROWS`` lines, so the
progress shows while they run and a stop midway loses at most one chunk. The import picks the lines
still VALID, so running it again (the worker's task requeued after a crash, or 继续导入 in the page)
carries on where it stopped; the batch row is locked for each chunk, so two runs never take the same
lines. People are matched by document type and number: a file imported twice, or one that overlaps an
earlier one, adds nobody twice.
"""

from typing import IO

from django.core.exceptions import ValidationError

from kuaiji.accounts.models import User

from ..constants import BatchState
from ..models import ImportBatch
from .checking import check_batch
from .common import CHUNK_ROWS, STALLED_AFTER, ImportStateError, Progress
from .importing import import_batch, is_stalled, start_import
from .upload import confirm_mapping, upload_register

__all__ = [
    "CHUNK_ROWS",
    "STALLED_AFTER",
    "ImportStateError",
    "ValidationError",
    "check_batch",
    "confirm_mapping",
    "import_batch",
    "import_register_now",
    "is_stalled",
    "start_import",
    "upload_register",
]


def import_register_now(
    *,
    handle: IO[bytes],
    name: str,
    mapping: dict[str, int] | None = None,
    by: User | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportBatch:
    """Upload, check and (unless ``dry_run``) import in this process, for the command and the demo: the
    same steps as the pages, without the worker. ``mapping`` (default: the proposed one) is checked as
    the page checks it."""
    batch = upload_register(handle=handle, name=name, created_by=by)
    batch = confirm_mapping(
        batch, mapping=batch.column_mapping if mapping is None else mapping, by=by, enqueue=False
    )
    batch = check_batch(batch.pk, progress=progress)
    if dry_run or batch.state != BatchState.CHECKED:
        return batch
    start_import(batch, by=by, enqueue=False)
    return import_batch(batch.pk, progress=progress)
