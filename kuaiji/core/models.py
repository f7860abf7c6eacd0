"""The platform's operating mode (正常 / 维护 / 只读), one row, switched by operators."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlatformMode(models.Model):
    """The one row (pk 1) saying whether applicants may use the platform (maintenance) or anyone may write
    (read-only). Read through ``kuaiji.core.platform_mode.current_mode``; written by ``set_mode``."""

    class Mode(models.TextChoices):
        NORMAL = "normal", _("正常")
        MAINTENANCE = "maintenance", _("维护中：申请人暂停使用，工作人员照常")
        READ_ONLY = "read_only", _("只读：可以登录和查看，不能提交或修改")

    mode = models.CharField(_("运行模式"), max_length=16, choices=Mode.choices, default=Mode.NORMAL)
    message = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("显示给用户，例如维护原因"))
    until = models.DateTimeField(_("预计结束时间"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设置人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    set_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("运行模式")
        verbose_name_plural = _("运行模式")

    def __str__(self) -> str:
        return str(self.get_mode_display())
