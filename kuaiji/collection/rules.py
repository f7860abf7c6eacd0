"""The conditional rules of the information collection, each defined once.

Pages (section forms), the API and imports all call these functions, so a rule cannot differ between
them. Each takes plain values and returns {field name: Chinese message}.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .constants import AbacusLevel, AccountingPost, QualificationLevel

QUALIFICATION_DETAIL_FIELDS = (
    "qualification_type",
    "qualification_method",
    "qualification_obtained_on",
    "qualification_certificate_number",
)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class Condition:
    """Fields (``targets``) that apply only when ``controller`` has an answer other than ``hidden_when``.

    One row of the table below feeds the section form's validation, the attachment conditions, the
    summary rows (a field that does not apply is not shown) and the page's reveal attributes."""

    section: str
    controller: str
    hidden_when: tuple[str, ...]  # answers (as typed; "" = not answered) that hide the targets
    targets: tuple[str, ...]
    required_message: str  # "{label}" is the target's label
    # What happens to a target answered while it does not apply: refused with this message, or
    # (``None``) silently dropped (a work unit's fields when there is none).
    not_empty_message: str | None = None

    def applies(self, section_answers: Mapping[str, Any] | None) -> bool:
        """Whether the targets apply to these answers of the section (typed or validated)."""
        value = (section_answers or {}).get(self.controller)
        if isinstance(value, bool):  # a validated yes/no
            value = "yes" if value else "no"
        return ("" if value is None else str(value)) not in self.hidden_when

    @property
    def hide_when_attribute(self) -> str:
        """``data-hide-when`` for the page script ("-" stands for not answered)."""
        return " ".join(value or "-" for value in self.hidden_when)


DETAIL_LABELS = {
    "qualification_type": "资格类别",
    "qualification_method": "取得方式",
    "qualification_obtained_on": "取得时间",
    "qualification_certificate_number": "资格证书编号",
    "appointed_on": "聘任时间",
    "abacus_certificate_number": "珠算等级证书编号",
}
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

HAS_QUALIFICATION = Condition(
    section="qualification",
    controller="qualification_level",
    hidden_when=(QualificationLevel.NONE, ""),
    targets=QUALIFICATION_DETAIL_FIELDS,
    required_message="已选择专业技术资格，请填写{label}",
    not_empty_message="专业技术资格为“无”时，{label}应为空",
)
HAS_ACCOUNTING_POST = Condition(
    section="qualification",
    controller="accounting_post",
    hidden_when=(AccountingPost.NONE, ""),
    targets=("appointed_on",),
    required_message="已选择会计专业技术职务，请填写{label}",
    not_empty_message="会计专业技术职务为“无”时，{label}应为空",
)
HAS_ABACUS_LEVEL = Condition(
    section="qualification",
    controller="abacus_level",
    hidden_when=(AbacusLevel.NONE, ""),
    targets=("abacus_certificate_number",),
    required_message="已选择珠算等级，请填写{label}",
    not_empty_message="珠算等级为“无”时，证书编号应为空",
)
HAS_EMPLOYER = Condition(
    section="employer",
    controller="has_employer",
    hidden_when=("no", ""),
    targets=EMPLOYER_FIELDS,
    required_message="请填写{label}",
)
CONDITIONS = (HAS_QUALIFICATION, HAS_ACCOUNTING_POST, HAS_ABACUS_LEVEL, HAS_EMPLOYER)
LABELS = {**DETAIL_LABELS, **EMPLOYER_LABELS}


def conditions_of(section: str) -> tuple[Condition, ...]:
    return tuple(condition for condition in CONDITIONS if condition.section == section)


def condition_errors(section: str, data: Mapping[str, Any]) -> dict[str, str]:
    """{field: message} for the section's conditional fields: required where they apply, and (where the
    table says so) refused where they do not."""
    errors: dict[str, str] = {}
    for condition in conditions_of(section):
        applies = condition.applies(data)
        for target in condition.targets:
            label = LABELS[target]
            if applies and _blank(data.get(target)):
                errors[target] = condition.required_message.format(label=label)
            elif not applies and condition.not_empty_message and not _blank(data.get(target)):
                errors[target] = condition.not_empty_message.format(label=label)
    return errors


def qualification_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """专业技术资格: details required when the level is not 无 and empty when it is; the appointment date
    required when the accounting post is not 无; the abacus certificate number when the level is not 无."""
    return condition_errors("qualification", data)


def employer_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """工作单位: with a work unit its fields are required; without one they must stay empty."""
    errors: dict[str, str] = {}
    has_employer = data.get("has_employer")
    if has_employer not in (True, False):
        return {"has_employer": "请选择是否有工作单位"}
    return errors | condition_errors("employer", data)


def education_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """学历: the certificate number is required unless the certificate is lost (then the unit's proof
    of education is uploaded instead); a degree other than 无 needs a level that can carry it."""
    errors: dict[str, str] = {}
    if not data.get("certificate_lost") and _blank(data.get("certificate_number")):
        errors["certificate_number"] = "请填写毕业证书编号；证书遗失的，请勾选“毕业证书遗失”"
    return errors
