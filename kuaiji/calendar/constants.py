from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日")
    WORKDAY = "workday", _("调休上班日")


class DaySource(models.TextChoices):
    CHINESE_CALENDAR = "chinese-calendar", _("chinese-calendar 软件包")
    STAFF = "staff", _("工作人员录入")
