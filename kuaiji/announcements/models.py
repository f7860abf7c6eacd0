"""A notice published by a department (通知公告): shown to the public while in force, to the department
that published it and those below."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Announcement(models.Model):
    uuid = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("发布部门"),
        on_delete=models.PROTECT,
        help_text=_("面向该部门及下级部门管理的人员。"),
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(
        _("正文"), help_text=_("已净化的 HTML：只保留段落、标题、列表、表格、加粗和链接。")
    )
    publish_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    expire_at = models.DateTimeField(
        _("截止时间"), null=True, blank=True, help_text=_("空：一直显示，直到撤下。")
    )
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-publish_at", "-id"]
        indexes = [models.Index(fields=["-publish_at"], name="announcement_published")]

    def __str__(self) -> str:
        return self.title


class AnnouncementAttachment(models.Model):
    """A file attached to a notice (附件): stored privately as uploaded (its type checked by content, see
    ``announcements.files``), downloaded through the app while the notice is shown."""

    uuid = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    announcement = models.ForeignKey(
        Announcement,
        verbose_name=_("所属通知"),
        on_delete=models.PROTECT,  # a notice is withdrawn, never deleted; its files stay referenced
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to="announcements/%Y/%m/")
    original_name = models.CharField(
        _("原文件名"), max_length=200, help_text=_("下载时使用的文件名（已去掉路径和控制字符）。")
    )
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("字节数"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("通知公告附件")
        verbose_name_plural = _("通知公告附件")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name
