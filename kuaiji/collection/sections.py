"""The wizard's sections: one form each, used by the pages (and later the API and imports).

A section's answers are stored as typed (strings, so nothing is lost before they validate); the
section form turns them into validated values and into the rows shown on the summary page and printed
on the personal basic information form.
"""

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kuaiji.core.constants import DocumentType, Sex
from kuaiji.core.forms import KuaijiForm, SharedChoiceField, date_field, text_field
from kuaiji.core.validators import clean_credit_code, clean_mobile, clean_person_name, document_facts
from kuaiji.regions.forms import DivisionField
from kuaiji.regions.models import Department
from kuaiji.regions.selectors import division_path

from . import rules
from .constants import (
    ETHNICITIES,
    POLITICAL_STATUSES,
    AbacusLevel,
    AccountingPost,
    Degree,
    EducationLevel,
    EmployerNature,
    QualificationLevel,
    QualificationMethod,
    QualificationType,
)

YES_NO = [("yes", "是"), ("no", "否")]


def _month_field(label, *, required=True, help_text="格式：2015-07"):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "class": "input-short", "placeholder": "2015-07"}),
        validators=[_validate_month],
    )


def _validate_month(value: str) -> None:
    try:
        # Exactly YYYY-MM: the answers are compared as text (a start after its end).
        if not re.fullmatch(r"\d{4}-\d{2}", value):
            raise ValueError(value)
        year, month = value.split("-")
        parsed = date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise ValidationError("请按“年-月”填写，例如 2015-07", code="month") from None
    if parsed > timezone.localdate():
        raise ValidationError("时间不能晚于本月", code="month_future")
    if parsed.year < 1940:
        raise ValidationError("时间不能早于 1940 年", code="month_past")


_date_field = date_field
_text = text_field


def _choice(label, choices, *, required=True, radio=False, blank=True):
    return SharedChoiceField(
        label=label,
        required=required,
        choices=([("", "请选择")] if blank and not radio else []) + list(choices),
        widget=forms.RadioSelect if radio else forms.Select,
        error_messages={"required": f"请选择{label}", "invalid_choice": f"请从列表中选择{label}"},
    )


def _label(choices, value) -> str:
    return dict(choices).get(value, value or "")


def _future_date_check(form, field):
    value = form.cleaned_data.get(field)
    if value and value > timezone.localdate():
        form.add_error(field, "日期不能晚于今天")


class SectionForm(KuaijiForm):
    section = ""
    title = ""

    def answers(self) -> dict:
        """The validated values in JSON form (dates as ISO text)."""
        return {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in self.cleaned_data.items()
            if not name.startswith("_")
        }

    @classmethod
    def rows(cls, answers: dict[str, Any]) -> list[tuple[str, str]]:
        raise NotImplementedError


class PersonalForm(SectionForm):
    section = "personal"
    title = "个人信息"

    full_name = forms.CharField(
        label="姓名", max_length=60, strip=False, error_messages={"required": "请填写姓名"}
    )
    sex = _choice("性别", Sex.choices, radio=True)
    birth_date = _date_field("出生日期")
    ethnicity = _choice("民族", ETHNICITIES)
    political_status = _choice("政治面貌", POLITICAL_STATUSES)
    mobile = forms.CharField(
        label="手机号码",
        max_length=20,
        help_text="更换手机号码需要短信验证",
        error_messages={"required": "请填写手机号码"},
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel", "class": "input-short"}
        ),
    )
    email = forms.EmailField(
        label="电子邮箱",
        required=False,
        max_length=100,
        error_messages={"invalid": "请填写正确的电子邮箱，例如 name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    residence_division = DivisionField(
        label="户籍或常住地区", error_messages={"required": "请选择户籍或常住地区"}
    )
    residence_address = _text("详细地址", max_length=200, help_text="街道、门牌号")

    def __init__(self, *args, applicant, verified_mobiles=(), **kwargs):
        self.applicant = applicant
        self.verified_mobiles = {applicant.mobile, *verified_mobiles} - {""}
        super().__init__(*args, **kwargs)
        self.facts = document_facts(applicant.document_type, applicant.document_number or "")
        if self.facts is not None:
            # Sex and birth date come from the document number: shown, not typed.
            for name, value in (("sex", self.facts.sex), ("birth_date", self.facts.birth_date)):
                self.fields[name].disabled = True
                self.fields[name].initial = value
                self.fields[name].help_text = "根据证件号码自动填写"

    def clean_full_name(self):
        return clean_person_name(self.cleaned_data.get("full_name", ""))

    def clean_mobile(self):
        mobile = clean_mobile(self.cleaned_data.get("mobile", ""))
        if mobile not in self.verified_mobiles:
            raise ValidationError("新的手机号码需要先获取短信验证码并验证", code="mobile_unverified")
        return mobile

    def clean(self):
        cleaned = super().clean()
        _future_date_check(self, "birth_date")
        return cleaned

    @classmethod
    def rows(cls, answers: dict[str, Any]) -> list[tuple[str, str]]:
        path = " ".join(d.name for d in division_path(answers.get("residence_division", "")))
        return [
            ("姓名", answers.get("full_name", "")),
            ("性别", _label(Sex.choices, answers.get("sex"))),
            ("出生日期", answers.get("birth_date", "")),
            ("民族", _label(ETHNICITIES, answers.get("ethnicity"))),
            ("政治面貌", _label(POLITICAL_STATUSES, answers.get("political_status"))),
            ("手机号码", answers.get("mobile", "")),
            ("电子邮箱", answers.get("email", "") or "未填写"),
            ("户籍或常住地区", path),
            ("详细地址", answers.get("residence_address", "")),
        ]


class HistoryEntryForm(forms.Form):
    unit = _text("单位名称", required=False)
    started = _month_field("开始年月", required=False, help_text="")
    ended = _month_field("结束年月", required=False, help_text="")
    post = _text("岗位", required=False, max_length=50)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what Form.clean returns, typed as never None
        if any(cleaned.get(name) for name in ("unit", "started", "ended", "post")):
            for name, label in (("unit", "单位名称"), ("started", "开始年月"), ("ended", "结束年月")):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, f"请填写{label}，或清空这一条")
            if cleaned.get("started") and cleaned.get("ended") and cleaned["started"] > cleaned["ended"]:
                self.add_error("ended", "结束年月不能早于开始年月")
        return cleaned


HistoryFormSet = forms.formset_factory(HistoryEntryForm, extra=1, max_num=10, validate_max=True)


class EmployerForm(SectionForm):
    section = "employer"
    title = "工作单位与会计管理部门"

    has_employer = forms.TypedChoiceField(
        label="是否有工作单位",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择是否有工作单位"},
    )
    credit_code = _text(
        "统一社会信用代码", required=False, max_length=18, help_text="18 位，见单位营业执照或登记证书"
    )
    employer_name = _text("单位名称", required=False)
    employer_nature = _choice("单位性质", EmployerNature.choices, required=False)
    employer_division = DivisionField(label="单位所在地区", required=False)
    employer_address = _text("单位地址", required=False, max_length=200)
    department_post = _text("所在部门及岗位", required=False, max_length=60, help_text="例如：财务部 会计")
    started_accounting_on = _month_field("从事会计工作年月")
    management_department = forms.ModelChoiceField(
        label="会计管理部门",
        queryset=Department.objects.filter(is_active=True),
        help_text="根据单位所在地（无工作单位的按户籍或常住地）推荐，可改选",
        error_messages={"required": "请选择会计管理部门", "invalid_choice": "请从列表中选择会计管理部门"},
    )
    # Required when there is a work unit (marked * by KuaijiForm).
    required_on_submit = rules.HAS_EMPLOYER.targets

    def clean_credit_code(self):
        value = self.cleaned_data.get("credit_code", "")
        return clean_credit_code(value) if value else ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for field, message in rules.employer_errors(cleaned).items():
            if field not in self.errors:
                self.add_error(field, message)
        if cleaned.get("has_employer") is False:
            for field in rules.HAS_EMPLOYER.targets:
                cleaned[field] = ""
                self.errors.pop(field, None)  # what was typed there is dropped, not checked
        return cleaned

    def answers(self):
        data = super().answers()
        department = data.get("management_department")
        data["management_department"] = department.pk if department else None
        return data

    @classmethod
    def rows(cls, answers: dict[str, Any]) -> list[tuple[str, str]]:
        department_pk = answers.get("management_department")
        department = Department.objects.filter(pk=department_pk).first() if department_pk else None
        rows = [("是否有工作单位", "是" if answers.get("has_employer") else "否")]
        if rules.HAS_EMPLOYER.applies(answers):
            path = " ".join(d.name for d in division_path(answers.get("employer_division", "")))
            rows += [
                ("单位名称", answers.get("employer_name", "")),
                ("统一社会信用代码", answers.get("credit_code", "")),
                ("单位性质", _label(EmployerNature.choices, answers.get("employer_nature"))),
                ("单位所在地区", path),
                ("单位地址", answers.get("employer_address", "")),
                ("所在部门及岗位", answers.get("department_post", "")),
            ]
        rows.append(("从事会计工作年月", answers.get("started_accounting_on", "")))
        for entry in answers.get("history", []):
            rows.append(
                (
                    "工作经历",
                    f"{entry['started']} 至 {entry['ended']} {entry['unit']} {entry.get('post', '')}".strip(),
                )
            )
        rows.append(("会计管理部门", department.name if department else ""))
        return rows


class PartTimeEducationForm(forms.Form):
    level = _choice("学历", EducationLevel.choices, required=False)
    school = _text("毕业院校", required=False)
    major = _text("专业", required=False, max_length=60)
    graduated_on = _date_field("毕业日期", required=False)
    certificate_number = _text("证书编号", required=False, max_length=40)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what Form.clean returns, typed as never None
        if any(
            cleaned.get(name) for name in ("level", "school", "major", "graduated_on", "certificate_number")
        ):
            for name, label in (
                ("level", "学历"),
                ("school", "毕业院校"),
                ("major", "专业"),
                ("graduated_on", "毕业日期"),
            ):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, f"请填写{label}，或清空这一条")
        return cleaned


PartTimeFormSet = forms.formset_factory(PartTimeEducationForm, extra=1, max_num=5, validate_max=True)


class EducationForm(SectionForm):
    section = "education"
    title = "学历信息"

    level = _choice("全日制学历", EducationLevel.choices)
    degree = _choice("学位", Degree.choices)
    school = _text("毕业院校")
    major = _text("所学专业", max_length=60)
    graduated_on = _date_field("毕业日期")
    certificate_number = _text("毕业证书编号", required=False, max_length=40)
    certificate_lost = forms.BooleanField(
        label="毕业证书遗失",
        required=False,
        help_text="勾选后，请在附件中上传工作单位出具的学历证明",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        _future_date_check(self, "graduated_on")
        for field, message in rules.education_errors(cleaned).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    @classmethod
    def rows(cls, answers: dict[str, Any]) -> list[tuple[str, str]]:
        rows = [
            ("全日制学历", _label(EducationLevel.choices, answers.get("level"))),
            ("学位", _label(Degree.choices, answers.get("degree"))),
            ("毕业院校", answers.get("school", "")),
            ("所学专业", answers.get("major", "")),
            ("毕业日期", answers.get("graduated_on", "")),
            (
                "毕业证书编号",
                "证书遗失" if answers.get("certificate_lost") else answers.get("certificate_number", ""),
            ),
        ]
        for entry in answers.get("part_time", []):
            rows.append(
                (
                    "非全日制学历",
                    f"{_label(EducationLevel.choices, entry['level'])} {entry['school']} {entry['major']} {entry['graduated_on']}",
                )
            )
        return rows


class QualificationForm(SectionForm):
    section = "qualification"
    title = "专业技术资格"

    qualification_level = _choice("专业技术资格", QualificationLevel.choices, radio=True)
    qualification_type = _choice("资格类别", QualificationType.choices, required=False)
    qualification_method = _choice("取得方式", QualificationMethod.choices, required=False)
    qualification_obtained_on = _date_field("取得时间", required=False)
    qualification_certificate_number = _text("资格证书编号", required=False, max_length=40)
    accounting_post = _choice("会计专业技术职务", AccountingPost.choices)
    appointed_on = _date_field("聘任时间", required=False)
    abacus_level = _choice("珠算等级", AbacusLevel.choices)
    abacus_certificate_number = _text("珠算等级证书编号", required=False, max_length=40)

    # Required when the level (post, abacus level) above them is not 无 (marked * by KuaijiForm).
    required_on_submit = tuple(
        target for condition in rules.conditions_of("qualification") for target in condition.targets
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for field in ("qualification_obtained_on", "appointed_on"):
            _future_date_check(self, field)
        for field, message in rules.qualification_errors(cleaned).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    @classmethod
    def rows(cls, answers: dict[str, Any]) -> list[tuple[str, str]]:
        rows = [("专业技术资格", _label(QualificationLevel.choices, answers.get("qualification_level")))]
        if rules.HAS_QUALIFICATION.applies(answers):
            rows += [
                ("资格类别", _label(QualificationType.choices, answers.get("qualification_type"))),
                ("取得方式", _label(QualificationMethod.choices, answers.get("qualification_method"))),
                ("取得时间", answers.get("qualification_obtained_on", "")),
                ("资格证书编号", answers.get("qualification_certificate_number", "")),
            ]
        rows.append(("会计专业技术职务", _label(AccountingPost.choices, answers.get("accounting_post"))))
        if rules.HAS_ACCOUNTING_POST.applies(answers):
            rows.append(("聘任时间", answers.get("appointed_on", "")))
        rows.append(("珠算等级", _label(AbacusLevel.choices, answers.get("abacus_level"))))
        if rules.HAS_ABACUS_LEVEL.applies(answers):
            rows.append(("珠算等级证书编号", answers.get("abacus_certificate_number", "")))
        return rows


SECTION_FORMS = {
    form.section: form for form in (PersonalForm, EmployerForm, EducationForm, QualificationForm)
}
FORMSETS = {"employer": ("history", HistoryFormSet), "education": ("part_time", PartTimeFormSet)}

__all__ = ["SECTION_FORMS", "DocumentType"]
