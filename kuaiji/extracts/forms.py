from django import forms

from kuaiji.core.forms import KuaijiForm

from .codes import normalise_code

INVALID_CODE_MESSAGE = "查验码应为 10 位字母或数字（如 K7QM-3XHP-2A），请核对后重新输入"


class VerifyForm(KuaijiForm):
    code = forms.CharField(
        label="查验码",
        max_length=40,
        help_text="证明右下方的 10 位查验码，如 K7QM-3XHP-2A；不区分大小写，可不输入短横线",
        error_messages={"required": "请输入查验码", "max_length": INVALID_CODE_MESSAGE},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "size": 14}
        ),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(INVALID_CODE_MESSAGE, code="invalid")
        return code


class RevokeForm(KuaijiForm):
    reason = forms.CharField(
        label="撤销原因（选填）",
        max_length=200,
        required=False,
        help_text="例如：证明已不再需要、证明遗失",
        error_messages={"max_length": "撤销原因请不要超过 200 个字"},
    )
