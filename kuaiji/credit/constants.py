"""The kinds, levels and states of a credit entry (信用记录)."""

from django.db import models


class CreditKind(models.TextChoices):
    AWARD = "award", "守信（表彰奖励）"
    PENALTY = "penalty", "失信（处罚）"


class AwardLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    PREFECTURE = "prefecture", "地市级"
    COUNTY = "county", "县级"
    UNIT = "unit", "单位内部"


#: An award of prefecture level or above counts as 守信 on the record and the public lookup.
TRUSTWORTHY_AWARD_LEVELS = frozenset({AwardLevel.NATIONAL, AwardLevel.PROVINCIAL, AwardLevel.PREFECTURE})


class PenaltyType(models.TextChoices):
    WARNING = "warning", "警告"
    FINE = "fine", "罚款"
    CONFISCATION = "confiscation", "没收违法所得"
    BAN = "ban", "禁止从事会计工作"
    CRIMINAL = "criminal", "追究刑事责任"
    OTHER = "other", "其他"


class EntryState(models.TextChoices):
    RECORDED = "recorded", "待复核"
    RETURNED = "returned", "复核退回"
    PUBLISHED = "published", "已公示"
    CORRECTED = "corrected", "已更正"
    WITHDRAWN = "withdrawn", "已撤销"
    EXPIRED = "expired", "已到期"


#: Working days from the decision by which an entry must be checked and published.
PUBLISH_WITHIN_WORKING_DAYS = 10


class ObjectionState(models.TextChoices):
    PENDING = "pending", "处理中"
    UPHELD = "upheld", "异议成立"
    REFUSED = "refused", "异议不成立"


class ObjectionRemedy(models.TextChoices):
    """What an upheld objection does to the entry: withdraw it, or correct it (a new entry, checked again)."""

    WITHDRAW = "withdraw", "撤销该记录"
    CORRECT = "correct", "更正该记录"


#: Working days from filing by which the department decides an objection.
OBJECTION_WITHIN_WORKING_DAYS = 15
