"""Credit entries (信用记录) against an archived person: awards (守信) and penalties (失信)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuaiji.core.choice_labels import ChoiceLabels

from .constants import (
    TRUSTWORTHY_AWARD_LEVELS,
    AwardLevel,
    CreditKind,
    EntryState,
    ObjectionRemedy,
    ObjectionState,
    PenaltyType,
)


class CreditEntry(ChoiceLabels, models.Model):
    """One award or penalty. Recorded by one staff member, checked and published by another (four eyes);
    shown on the record and the public lookup while published and in effect. A correction is a new entry
    that ``replaces`` this one; nothing published is ever edited or deleted."""

    uuid = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    record = models.ForeignKey(
        "archive.ArchiveRecord",
        verbose_name=_("人员档案"),
        on_delete=models.PROTECT,
        related_name="credit_entries",
    )
    department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("记录部门"),
        on_delete=models.PROTECT,
        related_name="credit_entries",
        help_text=_("记录时人员档案所属的会计管理部门；决定谁可以复核。"),
    )
    kind = models.CharField(_("类别"), max_length=16, choices=CreditKind.choices)
    title = models.CharField(_("名称或事由"), max_length=200)
    award_level = models.CharField(_("表彰级别"), max_length=16, choices=AwardLevel.choices, blank=True)
    penalty_type = models.CharField(_("处罚种类"), max_length=16, choices=PenaltyType.choices, blank=True)
    legal_basis = models.CharField(_("处罚依据"), max_length=300, blank=True)
    authority = models.CharField(_("授予或决定机关"), max_length=100)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    decided_on = models.DateField(_("授予或决定日期"))
    effective_from = models.DateField(_("有效期起"))
    effective_until = models.DateField(
        _("有效期止"), null=True, blank=True, help_text=_("留空表示长期有效。")
    )
    is_blacklist = models.BooleanField(_("列入严重失信名单"), default=False)
    scan = models.FileField(_("文书扫描件"), upload_to="credit/%Y/%m/", blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=EntryState.choices, default=EntryState.RECORDED
    )
    due_on = models.DateField(_("公示期限"), help_text=_("决定之日起 10 个工作日内复核公示。"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=300, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("更正的记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    ended_reason = models.CharField(_("结束原因"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        indexes = [
            models.Index(fields=["record", "state"], name="credit_entry_record_state"),
            models.Index(fields=["state", "due_on"], name="credit_entry_state_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_until__isnull=True)
                | models.Q(effective_until__gte=models.F("effective_from")),
                name="credit_entry_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(is_blacklist=False) | models.Q(effective_until__isnull=False),
                name="credit_entry_blacklist_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"

    @property
    def counts_as_trustworthy(self) -> bool:
        """An award of prefecture level or above counts as 守信; a county or unit award does not."""
        return self.kind == CreditKind.AWARD and self.award_level in TRUSTWORTHY_AWARD_LEVELS

    @property
    def standing(self) -> str:
        """What the entry says of the person: 守信, 失信, or 表彰 (an award that does not count as 守信)."""
        if self.kind == CreditKind.PENALTY:
            return "失信"
        return "守信" if self.counts_as_trustworthy else "表彰"

    @property
    def is_public(self) -> bool:
        """Shown to the public while in effect (the lookup): every penalty, and the awards that count as
        守信; a county or unit award stays on the record."""
        return self.kind == CreditKind.PENALTY or self.counts_as_trustworthy


class Objection(ChoiceLabels, models.Model):
    """异议: the person disputes a published entry, with evidence; one open objection per entry at a time.
    The department of the entry decides it by ``due_on``; upheld, the entry is withdrawn or corrected."""

    uuid = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(
        CreditEntry, verbose_name=_("信用记录"), on_delete=models.PROTECT, related_name="objections"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("异议人"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("异议理由"), max_length=2000)
    evidence = models.FileField(_("证明材料"), upload_to="credit/objections/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("材料文件名"), max_length=200, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=ObjectionState.choices, default=ObjectionState.PENDING
    )
    filed_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    due_on = models.DateField(_("处理期限"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.CharField(_("处理意见"), max_length=500, blank=True)
    remedy = models.CharField(_("处理方式"), max_length=16, choices=ObjectionRemedy.choices, blank=True)

    class Meta:
        verbose_name = _("信用异议")
        verbose_name_plural = _("信用异议")
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=models.Q(state="pending"),
                name="credit_objection_one_open_per_entry",
            )
        ]

    def __str__(self) -> str:
        return f"异议 {self.entry}"
