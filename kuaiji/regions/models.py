from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import DepartmentLevel, DivisionLevel


class Division(models.Model):
    """An administrative division (GB/T 2260), with the years its code was in force."""

    code = models.CharField(_("行政区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=16, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.PositiveSmallIntegerField(
        _("启用年份"), null=True, blank=True, help_text=_("空表示 1980 年代初的首版代码即已存在。")
    )
    valid_until = models.PositiveSmallIntegerField(
        _("停用年份"), null=True, blank=True, help_text=_("空表示现行有效。")
    )
    is_placeholder = models.BooleanField(
        _("统计用占位代码"),
        default=False,
        help_text=_("如“市辖区”“县”“省直辖县级行政单位”：保留以挂接下级区划，但不在地址选择中出现。"),
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def in_force(self) -> bool:
        return self.valid_until is None


class DivisionSource(models.Model):
    """One load of the division table: which source, which version, when, how many codes."""

    source_name = models.CharField(_("数据来源"), max_length=100)
    version = models.CharField(_("版本"), max_length=32, help_text=_("加载时安装的 python-stdnum 版本。"))
    loaded_at = models.DateTimeField(_("加载时间"), default=timezone.now)
    division_count = models.PositiveIntegerField(_("区划代码数"))

    class Meta:
        verbose_name = _("行政区划数据版本")
        verbose_name_plural = _("行政区划数据版本")
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.source_name} {self.version} ({self.loaded_at:%Y-%m-%d})"


class Department(models.Model):
    """An accounting management department (会计管理部门) of a finance department or bureau."""

    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=16, choices=DepartmentLevel.choices)
    division = models.ForeignKey(
        Division,
        verbose_name=_("管辖行政区划"),
        on_delete=models.PROTECT,
        related_name="departments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    phones = models.CharField(_("咨询电话"), max_length=200, blank=True, help_text=_("多个号码用逗号分隔。"))
    office_hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("会计管理部门")
        verbose_name_plural = _("会计管理部门")
        ordering = ["division_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["division"], name="one_department_per_division"),
        ]

    def __str__(self) -> str:
        return self.name
