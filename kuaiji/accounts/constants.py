from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountType(models.TextChoices):
    APPLICANT = "applicant", _("会计人员")
    STAFF = "staff", _("工作人员")


class SmsPurpose(models.TextChoices):
    REGISTER = "register", _("新用户注册")
    RESET_PASSWORD = "reset_password", _("忘记密码")
    ACTIVATE = "activate", _("原有用户设置密码")
    APPEAL = "appeal", _("账号申诉")
    CHANGE_MOBILE = "change_mobile", _("更换手机号")


class SmsKind(models.TextChoices):
    """What an SMS was for: a code's purpose (same values as ``SmsPurpose``), or a notice."""

    REGISTER = "register", _("注册")
    RESET_PASSWORD = "reset_password", _("找回密码")
    ACTIVATE = "activate", _("原有用户设置密码")
    APPEAL = "appeal", _("账号申诉")
    CHANGE_MOBILE = "change_mobile", _("更换手机号")
    NOTICE = "notice", _("通知")


class SmsState(models.TextChoices):
    """The provider's delivery state of one message."""

    QUEUED = "queued", _("排队中")
    SENT = "sent", _("已提交")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("失败")


class AppealReason(models.TextChoices):
    NUMBER_TAKEN = "number_taken", _("证件号码已被他人注册")
    PHONE_LOST = "phone_lost", _("原手机号已不再使用")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    GRANTED = "granted", _("已通过")
    REFUSED = "refused", _("未通过")


class IdentityPhotoKind(models.TextChoices):
    FRONT = "front", _("身份证件人像面")
    BACK = "back", _("身份证件国徽面")
    IN_HAND = "in_hand", _("手持身份证件照片")


class StaffRole(models.TextChoices):
    """Staff roles are Django groups of these names; their permissions come with the review screens."""

    REVIEWER = "审核员", _("审核员")
    DEPARTMENT_ADMIN = "部门管理员", _("部门管理员")
    AUDITOR = "审计员", _("审计员")
    DATA_OFFICER = "数据管理员", _("数据管理员")  # imports old registers (provincial departments)
    SUPPORT = "客服人员", _("客服人员")  # answers applicants: the SMS delivery log, questions
    PLATFORM_ADMIN = "平台管理员", _("平台管理员")
