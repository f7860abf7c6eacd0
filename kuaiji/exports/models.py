"""An export made in the background (导出): who asked, for what, masked or not, and the file until it expires."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import ExportFormat, ExportKind, ExportState


class ExportJob(models.Model):
    uuid = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("内容"), max_length=32, choices=ExportKind.choices)
    params = models.JSONField(
        _("筛选条件"), default=dict, help_text=_("页面的查询参数，导出时按当时的权限范围重新检索。")
    )
    format = models.CharField(_("格式"), max_length=8, choices=ExportFormat.choices)
    full_numbers = models.BooleanField(_("完整证件号码"), default=False)
    state = models.CharField(
        _("状态"), max_length=16, choices=ExportState.choices, default=ExportState.QUEUED
    )
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    file = models.FileField(_("文件"), max_length=200, blank=True)
    file_name = models.CharField(_("下载文件名"), max_length=200, blank=True)
    error = models.CharField(_("失败原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出")
        verbose_name_plural = _("导出")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="export_owner_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_format_display()} ({self.get_state_display()})"
