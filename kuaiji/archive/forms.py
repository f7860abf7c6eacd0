from typing import cast

from django import forms

from kuaiji.collection.constants import EducationLevel, QualificationLevel
from kuaiji.core.validators import mask_document_number, normalise_document_number
from kuaiji.regions.models import Department
from kuaiji.regions.scope import departments_in_scope, scope_departments


class ArchiveSearchForm(forms.Form):
    """The archive filters, shared by the result list and the CSV export. Every filter is optional."""

    name = forms.CharField(label="姓名", required=False, max_length=60)
    document_number = forms.CharField(
        label="证件号码", required=False, max_length=32, help_text="完整号码，精确匹配"
    )
    employer = forms.CharField(label="工作单位", required=False, max_length=100)
    credit_code = forms.CharField(label="统一社会信用代码", required=False, max_length=18)
    qualification_level = forms.ChoiceField(
        label="专业技术资格", required=False, choices=[("", "全部"), *QualificationLevel.choices]
    )
    education_level = forms.ChoiceField(
        label="全日制学历", required=False, choices=[("", "全部"), *EducationLevel.choices]
    )
    department: "forms.ModelChoiceField[Department]" = forms.ModelChoiceField(
        label="会计管理部门",
        required=False,
        queryset=None,
        empty_label="全部（本部门及下级）",
        error_messages={"invalid_choice": "请从列表中选择会计管理部门"},
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff
        # Only departments in the staff member's scope can be chosen.
        department = cast("forms.ModelChoiceField[Department]", self.fields["department"])
        department.queryset = departments_in_scope(staff).order_by("division_id")

    def department_options(self) -> list[tuple[int, str]]:
        """The departments that can be chosen, as ``(id, name)`` for ``{% select_options %}``: the scope
        already read for the request (ordered by division code), not the field's queryset again."""
        return [(item.pk, item.name) for item in scope_departments(self.staff)]

    def search_filters(self) -> dict:
        """Keyword arguments for ``selectors.search_archive`` (call after ``is_valid``)."""
        data = self.cleaned_data
        department = data.get("department")
        return {
            "name": data.get("name", ""),
            "document_number": data.get("document_number", ""),
            "employer": data.get("employer", ""),
            "credit_code": data.get("credit_code", ""),
            "qualification_level": data.get("qualification_level", ""),
            "education_level": data.get("education_level", ""),
            "department_id": department.pk if department else None,
        }

    def audit_filters(self) -> dict:
        """The filters used, for the audit log: a typed document number is stored masked."""
        filters = {key: value for key, value in self.search_filters().items() if value not in ("", None)}
        if "document_number" in filters:
            filters["document_number"] = mask_document_number(
                normalise_document_number(filters["document_number"])
            )
        return filters
