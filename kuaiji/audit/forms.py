from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditSearchForm(forms.Form):
    """The filters of the audit log search (GET). Every field is optional; invalid ones are ignored and
    reported next to the field."""

    action = forms.CharField(
        label=_("操作"), required=False, max_length=64, help_text=_("如 submission.approved；可只填开头")
    )
    actor = forms.CharField(label=_("操作人"), required=False, max_length=50, help_text=_("姓名或用户名"))
    target_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    occurred_from = forms.DateField(label=_("日期从"), required=False)
    occurred_to = forms.DateField(label=_("至"), required=False)
    client_ip = forms.GenericIPAddressField(label=_("客户端地址"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Django's Form.clean returns cleaned_data
        start, end = cleaned.get("occurred_from"), cleaned.get("occurred_to")
        if start and end and start > end:
            self.add_error("occurred_to", _("结束日期不能早于开始日期"))
        return cleaned
