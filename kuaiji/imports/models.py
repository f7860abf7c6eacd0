"""One uploaded register (ImportBatch) and what became of each of its lines (ImportRow)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import BatchState, RowOutcome


class ImportBatch(models.Model):
    """An old register uploaded by staff (or given to the command): the file, its hash, the confirmed
    column mapping, the state, the counts, and the progress of the check and of the import."""

    uuid = models.UUIDField(_("批次编号"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("命令行导入时为空。"),
    )
    department = models.ForeignKey(
        "regions.Department", verbose_name=_("所属部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    file = models.FileField(_("文件"), max_length=200)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField(_("字节数"))
    headers = models.JSONField(_("表头"), default=list)
    headers_signature = models.CharField(
        _("表头指纹"), max_length=64, db_index=True, help_text=_("表头相同的文件沿用上次确认的列映射。")
    )
    column_mapping = models.JSONField(
        _("列映射"), default=dict, help_text=_("字段 → 列序号（从 0 起）；未映射的列作为附加列保留。")
    )
    mapping_confirmed = models.BooleanField(_("列映射已确认"), default=False)
    state = models.CharField(
        _("状态"), max_length=16, choices=BatchState.choices, default=BatchState.UPLOADED
    )
    rows_total = models.PositiveIntegerField(_("数据行数"), default=0)
    rows_checked = models.PositiveIntegerField(_("已检查行数"), default=0)
    rows_to_import = models.PositiveIntegerField(_("待导入行数"), default=0)
    rows_imported = models.PositiveIntegerField(_("已导入行数"), default=0)
    outcome_counts = models.JSONField(_("各结果行数"), default=dict)
    reason_counts = models.JSONField(_("各原因行数"), default=dict)
    error = models.TextField(_("无法读取的原因"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    checked_at = models.DateTimeField(_("检查完成时间"), null=True, blank=True)
    import_started_at = models.DateTimeField(_("开始导入时间"), null=True, blank=True)
    progress_at = models.DateTimeField(
        _("最近进度时间"), null=True, blank=True, help_text=_("检查或导入时每批行写入后更新。")
    )
    finished_at = models.DateTimeField(_("导入完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"


class ImportRow(models.Model):
    """One data line of a batch: what it holds (normalised), its outcome and reason, the columns the
    mapping left out, and the person it made."""

    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="rows"
    )
    line = models.PositiveIntegerField(_("行号"), help_text=_("在表格中看到的行号（表头为第 1 行）。"))
    outcome = models.CharField(_("结果"), max_length=16, choices=RowOutcome.choices)
    reason = models.CharField(_("原因"), max_length=300, blank=True)
    reason_code = models.CharField(
        _("原因类别"),
        max_length=32,
        blank=True,
        help_text=_("报告按它汇总，见 imports.constants.REASON_LABELS。"),
    )
    column = models.CharField(_("有问题的列"), max_length=100, blank=True)
    note = models.CharField(_("提示"), max_length=300, blank=True, help_text=_("已导入，但有内容被忽略。"))
    values = models.JSONField(_("规范化后的内容"), default=dict)
    # The person's keys, out of ``values``: the file's duplicates and the import match on them.
    document_type = models.CharField(_("证件类型"), max_length=32, blank=True)
    document_number = models.CharField(_("证件号码"), max_length=32, blank=True)
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    cells = models.JSONField(_("原始内容"), default=list, help_text=_("整行原样，附加列也在其中。"))
    holder = models.ForeignKey(
        "accounts.LegacyHolder",
        verbose_name=_("导入的人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("导入行")
        verbose_name_plural = _("导入行")
        ordering = ["batch", "line"]
        constraints = [models.UniqueConstraint(fields=["batch", "line"], name="one_result_per_line")]
        indexes = [
            models.Index(fields=["batch", "outcome", "line"], name="import_row_outcome"),
            models.Index(fields=["batch", "document_number"], name="import_row_document"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line} {self.outcome}"
