from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuaiji.core.choice_labels import ChoiceLabels

from .constants import AuditAction


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit events are append-only")

    def delete(self):
        raise PermissionError("audit events are append-only")


class AuditEvent(ChoiceLabels, models.Model):
    """An append-only record of something that happened: who, what, to which record, when, from where.

    Written in the same transaction as the change it records. Details never hold full document
    numbers, phone numbers, passwords or codes.
    """

    occurred_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=64, choices=AuditAction.choices, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    client_ip = models.GenericIPAddressField(_("客户端地址"), null=True, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")
