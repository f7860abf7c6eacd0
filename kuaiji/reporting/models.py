"""The statistics' summary tables: counts per department, refreshed as a whole by the worker.

At a million people the dashboard's personnel figures were seven scans of the archive in scope (2.5 s for
a province) and its months figure a scan of the submissions (0.8 s). The summary holds those counts per
department (and, for submissions, per releasing department, which also sees a transfer), so a dashboard
sums a few hundred rows of its scope instead (decision 0026)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatisticsSnapshot(models.Model):
    """When the summary tables were last refreshed (one row; replaced with them in one transaction)."""

    refreshed_at = models.DateTimeField(_("统计时间"))
    seconds = models.FloatField(_("用时（秒）"))

    class Meta:
        verbose_name = _("统计快照")
        verbose_name_plural = _("统计快照")

    def __str__(self) -> str:
        return f"{self.refreshed_at:%Y-%m-%d %H:%M}"


class PersonnelCount(models.Model):
    """How many archived people of ``department`` have ``value`` on ``dimension`` (qualification,
    education, accounting post, unit nature, sex, birth year; "" where it is not known)."""

    department = models.ForeignKey(
        "regions.Department", verbose_name=_("会计管理部门"), on_delete=models.CASCADE, related_name="+"
    )
    dimension = models.CharField(_("维度"), max_length=32)
    value = models.CharField(_("取值"), max_length=64, blank=True)
    n = models.PositiveIntegerField(_("人数"))

    class Meta:
        verbose_name = _("人员统计")
        verbose_name_plural = _("人员统计")
        indexes = [models.Index(fields=["department", "dimension"], name="personnel_count_scope")]

    def __str__(self) -> str:
        return f"{self.dimension}={self.value}: {self.n}"


class SubmissionCount(models.Model):
    """How many submissions of ``kind`` were submitted in ``month`` (its first day, Beijing time), routed
    to ``department`` and released by ``releasing_department`` (a transfer; null otherwise)."""

    department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("审核部门"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    releasing_department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("转出部门"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    month = models.DateField(_("月份"))
    kind = models.CharField(_("类型"), max_length=16)
    n = models.PositiveIntegerField(_("件数"))

    class Meta:
        verbose_name = _("信息登记统计")
        verbose_name_plural = _("信息登记统计")
        indexes = [models.Index(fields=["month"], name="submission_count_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.kind}: {self.n}"
