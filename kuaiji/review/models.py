from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuaiji.core.choice_labels import ChoiceLabels

from .constants import Outcome


class Decision(ChoiceLabels, models.Model):
    """A reviewer's decision on one submitted revision. Exactly one per revision."""

    submission = models.ForeignKey(
        "collection.Submission",
        verbose_name=_("信息登记"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    revision = models.OneToOneField(
        "collection.Revision",
        verbose_name=_("所审核的提交版本"),
        on_delete=models.PROTECT,
        related_name="decision",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("结论"), max_length=16, choices=Outcome.choices)
    reason = models.TextField(_("理由"), blank=True)
    flagged_sections = models.JSONField(_("需修改的部分"), default=list, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), default=timezone.now)

    class Meta:
        verbose_name = _("审核决定")
        verbose_name_plural = _("审核决定")
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.decided_at:%Y-%m-%d}"


class ReasonTemplate(models.Model):
    """A reason staff keep for returning or refusing, picked from a list and edited in the decision."""

    outcome = models.CharField(
        _("适用结论"), max_length=16, choices=[c for c in Outcome.choices if c[0] != "approve"]
    )
    text = models.CharField(_("内容"), max_length=300)
    is_active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("常用审核意见")
        verbose_name_plural = _("常用审核意见")
        ordering = ["outcome", "position", "id"]

    def __str__(self) -> str:
        return self.text
