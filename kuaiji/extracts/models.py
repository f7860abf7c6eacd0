"""人员档案证明: a signed PDF of what a person's archive holds on the day, verifiable by its code or QR."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .codes import format_code


class ArchiveExtract(models.Model):
    """One extract as it was issued: the frozen ``snapshot`` is exactly what the PDF printed, so the
    verification page shows what the holder was given, whatever the archive holds today."""

    uuid = models.UUIDField(
        _("公开编号"),
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("查验页面地址（二维码）中的随机编号，无法猜测。"),
    )
    record = models.ForeignKey(
        "archive.ArchiveRecord",
        verbose_name=_("人员档案"),
        on_delete=models.PROTECT,
        related_name="extracts",
    )
    code = models.CharField(
        _("查验码"),
        max_length=10,
        unique=True,
        help_text=_("10 位 Crockford base32 字符，显示为 XXXX-XXXX-XX。"),
    )
    snapshot = models.JSONField(_("证明内容"), help_text=_("PDF 上印出的内容，开具后不再改变。"))
    fingerprint = models.CharField(
        _("档案指纹"),
        max_length=64,
        help_text=_("开具时档案当前版本与有效信用记录的摘要；与查验时不同即“档案已更新”。"),
    )
    issued_at = models.DateTimeField(_("开具时间"), default=timezone.now)
    expires_on = models.DateField(_("有效期至"), help_text=_("当日仍有效，次日起显示已过期。"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    pdf = models.FileField(_("已签名的 PDF"), max_length=200)
    pdf_sha256 = models.CharField(_("PDF 的 SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("人员档案证明")
        verbose_name_plural = _("人员档案证明")
        indexes = [models.Index(fields=["record", "-issued_at"], name="extract_record_issued")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revoked_by=None),
                name="extract_revocation_has_who",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot.get('full_name', '')} {self.display_code}"

    @property
    def display_code(self) -> str:
        return format_code(self.code)
