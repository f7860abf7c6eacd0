"""The conditional rules of the information collection, each defined once.

Pages (section forms), the API and imports all call these functions, so a rule cannot differ between
them. Each takes plain values and returns {field name: Chinese message}.
"""

from collections.abc import Mapping
from typing import Any

from .constants import AbacusLevel, AccountingPost, QualificationLevel

QUALIFICATION_DETAIL_FIELDS = (
    "qualification_type",
    "qualification_method",
    "qualification_obtained_on",
    "qualification_certificate_number",
)
DETAIL_LABELS = {
    "qualification_type": "资格类别",
    "qualification_method": "取得方式",
    "qualification_obtained_on": "取得时间",
    "qualification_certificate_number": "资格证书编号",
    "appointed_on": "聘任时间",
    "abacus_certificate_number": "珠算等级证书编号",
}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def qualification_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """专业技术资格: details required when the level is not 无 and empty when it is; the appointment date
    required when the accounting post is not 无; the abacus certificate number when the level is not 无."""
    errors: dict[str, str] = {}
    level = data.get("qualification_level") or QualificationLevel.NONE
    for field in QUALIFICATION_DETAIL_FIELDS:
        if level != QualificationLevel.NONE and _blank(data.get(field)):
            errors[field] = f"已选择专业技术资格，请填写{DETAIL_LABELS[field]}"
        elif level == QualificationLevel.NONE and not _blank(data.get(field)):
            errors[field] = f"专业技术资格为“无”时，{DETAIL_LABELS[field]}应为空"
    post = data.get("accounting_post") or AccountingPost.NONE
    if post != AccountingPost.NONE and _blank(data.get("appointed_on")):
        errors["appointed_on"] = "已选择会计专业技术职务，请填写聘任时间"
    elif post == AccountingPost.NONE and not _blank(data.get("appointed_on")):
        errors["appointed_on"] = "会计专业技术职务为“无”时，聘任时间应为空"
    abacus = data.get("abacus_level") or AbacusLevel.NONE
    if abacus != AbacusLevel.NONE and _blank(data.get("abacus_certificate_number")):
        errors["abacus_certificate_number"] = "已选择珠算等级，请填写珠算等级证书编号"
    elif abacus == AbacusLevel.NONE and not _blank(data.get("abacus_certificate_number")):
        errors["abacus_certificate_number"] = "珠算等级为“无”时，证书编号应为空"
    return errors


EMPLOYER_FIELDS = (
    "credit_code",
    "employer_name",
    "employer_nature",
    "employer_division",
    "employer_address",
    "department_post",
)
EMPLOYER_LABELS = {
    "credit_code": "统一社会信用代码",
    "employer_name": "单位名称",
    "employer_nature": "单位性质",
    "employer_division": "单位所在地区",
    "employer_address": "单位地址",
    "department_post": "所在部门及岗位",
}


def employer_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """工作单位: with a work unit its fields are required; without one they must stay empty."""
    errors: dict[str, str] = {}
    has_employer = data.get("has_employer")
    if has_employer not in (True, False):
        return {"has_employer": "请选择是否有工作单位"}
    for field in EMPLOYER_FIELDS:
        if has_employer and _blank(data.get(field)):
            errors[field] = f"请填写{EMPLOYER_LABELS[field]}"
    return errors


def education_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """学历: the certificate number is required unless the certificate is lost (then the unit's proof
    of education is uploaded instead); a degree other than 无 needs a level that can carry it."""
    errors: dict[str, str] = {}
    if not data.get("certificate_lost") and _blank(data.get("certificate_number")):
        errors["certificate_number"] = "请填写毕业证书编号；证书遗失的，请勾选“毕业证书遗失”"
    return errors
