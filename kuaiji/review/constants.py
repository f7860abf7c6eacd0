from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回修改")
    REFUSE = "refuse", _("不予通过")


# Sections and attachment slots a reviewer can point at when returning a submission.
FLAGGABLE_SECTIONS = [
    ("personal", "个人信息"),
    ("employer", "工作单位与会计管理部门"),
    ("education", "学历信息"),
    ("qualification", "专业技术资格"),
    ("attachments", "附件"),
    ("basic_info_form", "个人基本信息表"),
]
