from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):  # kuaiji.core.spreadsheets.FORMATS
    XLSX = "xlsx", _("Excel（.xlsx）")
    CSV = "csv", _("CSV")


class ExportState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在生成")
    DONE = "done", _("可下载")
    FAILED = "failed", _("生成失败")
    EXPIRED = "expired", _("已过期")


class ExportKind(models.TextChoices):
    ARCHIVE_SEARCH = "archive_search", _("人员档案检索结果")
    REVIEW_QUEUE = "review_queue", _("审核队列")
    DEPARTMENT_PERSONNEL = "department_personnel", _("部门人员")
