from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from kuaiji.core.forms import KuaijiForm
from kuaiji.core.validators import has_control_characters
from kuaiji.regions.models import Department
from kuaiji.regions.scope import departments_in_scope

from .files import ACCEPT, ALLOWED_TYPES_TEXT, CheckedUpload, check_upload
from .models import AnnouncementAttachment


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (optional). Each is checked by ``files.check_upload`` (in the form's
    ``clean_attachments``), which names the file in every refusal, an empty one included."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data]
        return [item for item in items if item is not None and item != ""]


class AnnouncementForm(KuaijiForm):
    title = forms.CharField(label="标题", max_length=100, error_messages={"required": "请填写标题"})
    body = forms.CharField(
        label="正文",
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20000,
        help_text="可直接输入文字（每行一段），也可使用段落、小标题、列表、表格、加粗和链接等 HTML；其余内容会被去除。",
        error_messages={"required": "请填写正文"},
    )
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label="发布部门", queryset=Department.objects.none(), empty_label=None
    )
    publish_at = forms.DateTimeField(
        label="发布时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": "请填写发布时间", "invalid": "请按“年-月-日 时:分”填写发布时间"},
    )
    expire_at = forms.DateTimeField(
        label="截止时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="到时自动不再显示；不填则一直显示，直到撤下。",
        error_messages={"invalid": "请按“年-月-日 时:分”填写截止时间"},
    )

    remove_attachments = forms.MultipleChoiceField(
        label="已有附件",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="勾选要删除的附件，保存后删除。",
    )
    attachments = MultipleFileField(
        label="添加附件",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, staff, existing_attachments: Sequence[AnnouncementAttachment] = (), **kwargs):
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)
        department.queryset = departments_in_scope(staff).order_by("division_id")
        self.existing_attachments = list(existing_attachments)
        if self.existing_attachments:
            remove = self.fields["remove_attachments"]
            assert isinstance(remove, forms.MultipleChoiceField)
            remove.choices = [
                (str(item.uuid), f"删除“{item.original_name}”（{filesizeformat(item.size)}）")
                for item in self.existing_attachments
            ]
        else:
            del self.fields["remove_attachments"]
        limit = settings.KUAIJI_ANNOUNCEMENT_MAX_ATTACHMENTS
        size_mb = settings.KUAIJI_ANNOUNCEMENT_ATTACHMENT_MAX_BYTES // (1024 * 1024)
        self.fields["attachments"].help_text = (
            f"可一次选择多个文件；每条通知最多 {limit} 个附件，每个不超过 {size_mb} MB，"
            f"可上传 {ALLOWED_TYPES_TEXT}。页面提示有错误时，请重新选择附件。"
        )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"]
        if has_control_characters(title):
            raise ValidationError("标题中有无法显示的字符，请删除后重新输入")
        return title

    def clean_attachments(self) -> list[CheckedUpload]:
        checked: list[CheckedUpload] = []
        refusals: list[ValidationError] = []
        for upload in self.cleaned_data.get("attachments") or []:
            try:
                checked.append(check_upload(upload))
            except ValidationError as error:
                refusals.append(error)
        if refusals:
            raise ValidationError(refusals)
        return checked

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        adding = len(cleaned.get("attachments") or [])
        kept = len(self.existing_attachments) - len(cleaned.get("remove_attachments") or [])
        limit = settings.KUAIJI_ANNOUNCEMENT_MAX_ATTACHMENTS
        if adding and kept + adding > limit:
            self.add_error("attachments", f"每条通知最多 {limit} 个附件（已有 {kept} 个），请减少后再上传")
        return cleaned


class ReadingNoticeForm(KuaijiForm):
    """The next version of the wizard's notice: plain text, a paragraph a line (shown escaped)."""

    title = forms.CharField(label="标题", max_length=100, error_messages={"required": "请填写标题"})
    body = forms.CharField(
        label="须知内容",
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=20000,
        strip=False,
        help_text="每行一段，按原样显示（不支持 HTML 标签）。保存后成为新的一版，之前的版本保留不变。",
        error_messages={"required": "请填写须知内容"},
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
