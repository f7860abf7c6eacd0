from django.db import models
from django.utils.translation import gettext_lazy as _

from kuaiji.core.constants import ETHNICITIES as _ETHNICITIES


class SubmissionKind(models.TextChoices):
    INITIAL = "initial", _("信息采集")
    CHANGE = "change", _("信息变更")
    TRANSFER = "transfer", _("调转")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REFUSED = "refused", _("未通过")
    RETURNED = "returned", _("已退回")


OPEN_STATUSES = (Status.DRAFT, Status.PENDING, Status.RETURNED)
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)

# How an applicant's history names the audit events of their submission (the pages and the API).
EVENT_LABELS = {
    "submission.started": "开始填报",
    "submission.change_started": "开始信息变更",
    "submission.transfer_started": "开始调转",
    "submission.submitted": "提交审核",
    "submission.resubmitted": "修改后重新提交",
    "submission.withdrawn": "撤回",
    "submission.approved": "审核通过",
    "submission.returned": "退回修改",
    "submission.refused": "审核未通过",
}


class SectionState(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    COMPLETED = "completed", _("已完成")
    NEEDS_CHANGES = "needs_changes", _("需修改")


# GB/T 3304 民族代码: in core, where the card reader (kuaiji.recognition) finds it too.
ETHNICITIES = _ETHNICITIES

# GB/T 4762 政治面貌代码.
POLITICAL_STATUSES = [
    ("01", "中共党员"),
    ("02", "中共预备党员"),
    ("03", "共青团员"),
    ("04", "民革党员"),
    ("05", "民盟盟员"),
    ("06", "民建会员"),
    ("07", "民进会员"),
    ("08", "农工党党员"),
    ("09", "致公党党员"),
    ("10", "九三学社社员"),
    ("11", "台盟盟员"),
    ("12", "无党派人士"),
    ("13", "群众"),
]


class EmployerNature(models.TextChoices):
    GOVERNMENT = "government", _("机关")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    STATE_ENTERPRISE = "state_enterprise", _("国有企业")
    PRIVATE_ENTERPRISE = "private_enterprise", _("民营企业")
    FOREIGN_ENTERPRISE = "foreign_enterprise", _("外资企业")
    SOCIAL_ORGANISATION = "social_organisation", _("社会团体")
    NON_PROFIT = "non_profit", _("民办非企业单位")
    OTHER = "other", _("其他")


class EducationLevel(models.TextChoices):
    DOCTORATE = "doctorate", _("博士研究生")
    MASTER = "master", _("硕士研究生")
    BACHELOR = "bachelor", _("大学本科")
    JUNIOR_COLLEGE = "junior_college", _("大学专科")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中等专科")
    HIGH_SCHOOL = "high_school", _("高中")
    OTHER = "other", _("其他")


class Degree(models.TextChoices):
    NONE = "none", _("无")
    BACHELOR = "bachelor", _("学士")
    MASTER = "master", _("硕士")
    DOCTORATE = "doctorate", _("博士")


class QualificationLevel(models.TextChoices):
    NONE = "none", _("无")
    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    SENIOR = "senior", _("高级")
    PROFESSOR = "professor", _("正高级")


class QualificationType(models.TextChoices):
    ACCOUNTING = "accounting", _("会计")
    AUDITING = "auditing", _("审计")
    ECONOMICS = "economics", _("经济")
    STATISTICS = "statistics", _("统计")
    OTHER = "other", _("其他")


class QualificationMethod(models.TextChoices):
    EXAM = "exam", _("考试")
    EVALUATION = "evaluation", _("评审")
    EXAM_AND_EVALUATION = "exam_and_evaluation", _("考评结合")
    RECOGNITION = "recognition", _("认定")


class AccountingPost(models.TextChoices):
    NONE = "none", _("无")
    CLERK = "clerk", _("会计员")
    ASSISTANT = "assistant", _("助理会计师")
    ACCOUNTANT = "accountant", _("会计师")
    SENIOR = "senior", _("高级会计师")
    PROFESSOR = "professor", _("正高级会计师")


class AbacusLevel(models.TextChoices):
    NONE = "none", _("无")
    LEVEL_6 = "6", _("六级")
    LEVEL_5 = "5", _("五级")
    LEVEL_4 = "4", _("四级")
    LEVEL_3 = "3", _("三级")
    LEVEL_2 = "2", _("二级")
    LEVEL_1 = "1", _("一级")
    EXPERT = "expert", _("能手级")
