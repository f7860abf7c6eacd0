from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import DayKind, DaySource


class SpecialDay(models.Model):
    """A day that breaks the Monday-to-Friday rule: a statutory holiday or a make-up working day."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(
        _("类型"),
        max_length=16,
        choices=DayKind.choices,
        help_text=_("法定节假日不计为工作日；调休上班日即使是周六或周日也计为工作日。"),
    )
    name = models.CharField(
        _("节日名称"),
        max_length=64,
        help_text=_("如“国庆节”。调休上班日填写它所调换的节日。"),
    )
    source = models.CharField(
        _("来源"),
        max_length=32,
        choices=DaySource.choices,
        default=DaySource.STAFF,
        help_text=_("工作人员录入或修改过的日期不会被 chinese-calendar 数据的重新导入覆盖。"),
    )

    class Meta:
        verbose_name = _("节假日与调休上班日")
        verbose_name_plural = _("节假日与调休上班日")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DayKind.values), name="work_calendar_specialday_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=DaySource.values), name="work_calendar_specialday_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}（{self.get_kind_display()}）"


class ScheduleYear(models.Model):
    """A year whose official holiday schedule (国务院办公厅通知) has been entered.

    Until a year has a row here its working days are Monday to Friday, and the admin warns about it.
    """

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    source = models.CharField(
        _("来源"),
        max_length=32,
        choices=DaySource.choices,
        default=DaySource.STAFF,
        help_text=_("由工作人员确认的年份，chinese-calendar 数据的重新导入不再改动该年的任何日期。"),
    )
    confirmed_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("已录入节假日安排的年份")
        verbose_name_plural = _("已录入节假日安排的年份")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=DaySource.values),
                name="work_calendar_scheduleyear_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年"
