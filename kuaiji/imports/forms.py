from django import forms

from kuaiji.core.forms import KuaijiForm

from .mapping import FIELDS
from .reading import EXTENSIONS

NOT_MAPPED = ""


class UploadForm(KuaijiForm):
    file = forms.FileField(
        label="名单文件",
        help_text="Excel（.xlsx、.xls）或 CSV 文件；第一行为表头。",
        error_messages={"required": "请选择要导入的名单文件"},
    )
    file.widget.attrs["accept"] = ",".join(EXTENSIONS)


class MappingForm(KuaijiForm):
    """One select per field, listing the file's columns; the proposed mapping preselected."""

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (NOT_MAPPED, "（不导入）"),
            *((str(index), header or f"第 {index + 1} 列") for index, header in enumerate(headers)),
        ]
        for field in FIELDS:
            self.fields[field.name] = forms.ChoiceField(
                label=field.label + ("（必填）" if field.required else ""),
                choices=choices,
                required=False,
            )

    def mapping(self) -> dict[str, int]:
        return {name: int(value) for name, value in self.cleaned_data.items() if value != NOT_MAPPED}
