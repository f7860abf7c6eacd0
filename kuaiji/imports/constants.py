from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchState(models.TextChoices):
    """Where one uploaded register stands. Checking and importing run on the worker; a batch whose
    import stopped midway (the worker killed, the database gone) stays IMPORTING until it is resumed,
    and the page says so once no progress came for a while."""

    UPLOADED = "uploaded", _("待确认列映射")
    CHECKING = "checking", _("正在检查")
    CHECKED = "checked", _("已检查，待导入")
    IMPORTING = "importing", _("正在导入")
    DONE = "done", _("已导入")
    UNREADABLE = "unreadable", _("无法读取")


class RowOutcome(models.TextChoices):
    VALID = "valid", _("可导入")
    UNCHANGED = "unchanged", _("已导入过，无变化")
    REFUSED = "refused", _("不予导入")
    DUPLICATE = "duplicate", _("文件内重复")
    CONFLICT = "conflict", _("与已有人员冲突")
    IMPORTED = "imported", _("已导入")


# The outcomes the clerk fixes in the refused-rows file and imports again.
NOT_IMPORTED = (RowOutcome.REFUSED, RowOutcome.DUPLICATE, RowOutcome.CONFLICT)


# What the report counts rows by (ImportRow.reason_code).
REASON_LABELS = {
    "full_name": _("姓名有误"),
    "document_type": _("证件类型无法识别"),
    "document_number": _("证件号码有误"),
    "excel_number": _("证件号码被 Excel 存成了数字"),
    "sex": _("性别有误或与证件号码不符"),
    "certificate_number": _("证书编号过长"),
    "employer_name": _("工作单位过长"),
    "issuing_region": _("发证地区过长"),
    "control_characters": _("含有控制字符"),
    "duplicate": _("与文件中前面的行重复"),
    "conflict_holder": _("与已导入的原持证人员姓名不一致"),
    "conflict_applicant": _("与已注册人员的姓名不一致"),
    "conflict_archive": _("与人员档案中的姓名不一致"),
    "mobile_dropped": _("联系电话无效，已忽略（人员照常导入）"),
}
