"""Upload a register and confirm its column mapping (then the check is queued)."""

import hashlib
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from kuaiji.accounts.models import User
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core.storage import delete_stored_file, save_private_file

from ..constants import BatchState
from ..mapping import check_mapping, guess_mapping, headers_signature
from ..models import ImportBatch
from ..reading import EXTENSIONS, extension_of, read_table
from .common import ImportStateError, _enqueue
from .importing import is_stalled

# --- upload and mapping ------------------------------------------------------------------------------------


def upload_register(*, handle: IO[bytes], name: str, created_by: User | None = None) -> ImportBatch:
    """Store the file privately, read its header and propose a mapping: the one confirmed for a file
    with the same headers before, else the synonyms' guess. Raises ValidationError (a Chinese message
    for the file field) when the file is not a register that can be read; nothing is kept then."""
    if extension_of(name) not in EXTENSIONS:
        raise ValidationError("请上传 Excel（.xlsx、.xls）或 CSV 文件", code="extension")
    digest, size = hashlib.sha256(), 0
    handle.seek(0)
    for block in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(block)
        size += len(block)
    if size == 0:
        raise ValidationError("文件是空的", code="empty")
    limit = settings.KUAIJI_MAX_IMPORT_BYTES
    if size > limit:
        raise ValidationError(f"文件不能超过 {limit // (1024 * 1024)} MB，请分成几个文件导入", code="size")
    handle.seek(0)
    table = read_table(handle, name=name)
    signature = headers_signature(table.headers)
    earlier = (
        ImportBatch.objects.filter(headers_signature=signature, mapping_confirmed=True)
        .order_by("-created_at")
        .values_list("column_mapping", flat=True)
        .first()
    )
    handle.seek(0)
    stored = save_private_file(handle, prefix="imports", extension=extension_of(name))
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                created_by=created_by,
                department=getattr(created_by, "department", None),
                file=stored,
                file_name=name[:255],
                sha256=digest.hexdigest(),
                file_size=size,
                headers=table.headers,
                headers_signature=signature,
                column_mapping=earlier if earlier is not None else guess_mapping(table.headers),
            )
            record_event(
                action=AuditAction.LEGACY_IMPORT_UPLOADED,
                actor=created_by,
                target=batch,
                details={"file_name": batch.file_name, "sha256": batch.sha256, "size": size},
            )
    except Exception:
        delete_stored_file(stored)
        raise
    return batch


def confirm_mapping(
    batch: ImportBatch, *, mapping: dict[str, int], by: User | None = None, enqueue: bool = True
) -> ImportBatch:
    """Keep the mapping the operator confirmed and queue the check (the dry run; ``enqueue=False``: the
    caller runs ``check_batch`` itself). Allowed until the import starts; a new mapping checks again."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        stalled_check = batch.state == BatchState.CHECKING and is_stalled(batch)
        if batch.state not in (BatchState.UPLOADED, BatchState.CHECKED) and not stalled_check:
            raise ImportStateError("正在检查或导入已经开始，不能再修改列映射", code="state")
        batch.column_mapping = check_mapping(mapping, column_count=len(batch.headers))
        batch.mapping_confirmed = True
        batch.state = BatchState.CHECKING
        batch.rows_checked = 0
        batch.save(update_fields=["column_mapping", "mapping_confirmed", "state", "rows_checked"])
        record_event(
            action=AuditAction.LEGACY_IMPORT_CHECKED,
            actor=by,
            target=batch,
            details={"mapping": batch.column_mapping},
        )
        if enqueue:
            transaction.on_commit(lambda: _enqueue("check_batch_task", batch.pk))
    return batch
