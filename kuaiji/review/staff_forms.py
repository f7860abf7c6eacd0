"""Forms of the department administrators' pages: a new staff member, their roles, a directory entry."""

import re

from django import forms
from django.core.exceptions import ValidationError

from kuaiji.accounts.models import User
from kuaiji.core.forms import KuaijiForm
from kuaiji.core.validators import clean_person_name

from .scope import departments_in_scope
from .staff_services import ASSIGNABLE_ROLES

USERNAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{2,63}$")
_PHONE_SEPARATORS = re.compile(r"[,，、;；/]+")
# A landline with its area code, a mobile or a service number; an extension may follow 转.
_PHONE = re.compile(r"^\+?[0-9][0-9\- ]{3,18}[0-9](转[0-9]{1,6})?$")


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.division_id} {obj.name}"


def roles_field():
    return forms.MultipleChoiceField(
        label="角色",
        choices=[(role.value, role.label) for role in ASSIGNABLE_ROLES],
        widget=forms.CheckboxSelectMultiple,
        help_text="审核员审核信息登记；部门管理员管理本部门及下级部门的工作人员；审计员查阅审计日志。",
        error_messages={"required": "请至少选择一个角色", "invalid_choice": "不能授予该角色"},
    )


class StaffCreateForm(KuaijiForm):
    username = forms.CharField(
        label="用户名",
        max_length=64,
        help_text="登录时使用：以字母开头，3 至 64 位字母、数字、点、下划线或连字符",
        error_messages={"required": "请输入用户名"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}),
    )
    full_name = forms.CharField(
        label="姓名", max_length=60, error_messages={"required": "请输入姓名"}, strip=False
    )
    department = DepartmentChoiceField(
        label="所属部门",
        queryset=None,
        empty_label="请选择",
        error_messages={"required": "请选择所属部门", "invalid_choice": "该部门不在您的管理范围内"},
    )
    roles = roles_field()

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        # A ModelChoiceField; form.fields types its values as Field.
        self.fields["department"].queryset = (  # type: ignore[attr-defined]
            departments_in_scope(admin).filter(is_active=True).order_by("division_id")
        )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if not USERNAME_PATTERN.match(username):
            raise ValidationError("用户名以字母开头，由 3 至 64 位字母、数字、点、下划线或连字符组成")
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("该用户名已被使用")
        return username

    def clean_full_name(self) -> str:
        return clean_person_name(self.cleaned_data["full_name"])


class StaffRolesForm(KuaijiForm):
    roles = roles_field()


class DepartmentContactsForm(KuaijiForm):
    address = forms.CharField(label="办公地址", max_length=200, required=False)
    phones = forms.CharField(
        label="咨询电话",
        max_length=200,
        required=False,
        help_text="多个号码用逗号分隔，如 0971-5550201，0971-5550202转8001",
    )
    office_hours = forms.CharField(
        label="办公时间", max_length=200, required=False, help_text="如 周一至周五 8:30–12:00，14:30–18:00"
    )

    def clean_phones(self) -> str:
        numbers = [part.strip() for part in _PHONE_SEPARATORS.split(self.cleaned_data["phones"])]
        numbers = [number for number in numbers if number]
        wrong = [number for number in numbers if not _PHONE.match(number)]
        if wrong:
            raise ValidationError("电话号码格式不正确：%(numbers)s", params={"numbers": "、".join(wrong)})
        joined = "，".join(numbers)
        if len(joined) > 200:
            raise ValidationError("电话号码太多，请不超过 200 个字符")
        return joined
