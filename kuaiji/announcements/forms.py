from django import forms

from kuaiji.core.forms import KuaijiForm
from kuaiji.regions.models import Department
from kuaiji.regions.scope import departments_in_scope


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

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)
        department.queryset = departments_in_scope(staff).order_by("division_id")
