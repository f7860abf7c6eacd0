"""The staff form of a credit entry, and the person's objection."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kuaiji.core.forms import KuaijiForm, date_field, text_field

from .constants import AwardLevel, CreditKind, ObjectionRemedy, PenaltyType

_date = date_field
_text = text_field


#: Fields that only apply to one kind (the other kind's are ignored, and hidden by the page's script).
AWARD_ONLY = ("award_level",)
PENALTY_ONLY = ("penalty_type", "legal_basis", "is_blacklist")


class CreditEntryForm(KuaijiForm):
    kind = forms.ChoiceField(
        label="类别",
        choices=CreditKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择类别", "invalid_choice": "请选择类别"},
    )
    title = _text("名称或事由", max_length=200, help_text="表彰的名称，或处罚的事由")
    award_level = forms.ChoiceField(
        label="表彰级别",
        required=False,
        choices=[("", "请选择"), *AwardLevel.choices],
        help_text="地市级及以上的表彰计入守信记录",
    )
    penalty_type = forms.ChoiceField(
        label="处罚种类", required=False, choices=[("", "请选择"), *PenaltyType.choices]
    )
    legal_basis = _text("处罚依据", required=False, max_length=300, help_text="法律法规名称及条款")
    authority = _text("授予或决定机关")
    document_number = _text("文号", required=False, help_text="如 青财会〔2026〕12 号")
    decided_on = _date("授予或决定日期")
    effective_from = _date("有效期起")
    effective_until = _date(
        "有效期止", required=False, help_text="留空表示长期有效；列入严重失信名单的必须填写"
    )
    is_blacklist = forms.BooleanField(label="列入严重失信名单", required=False)
    scan = forms.FileField(
        label="文书扫描件",
        required=False,
        help_text="表彰文件或处罚决定书的照片或扫描件，JPG 或 PNG，不超过 10 MB（可不上传）",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def clean_decided_on(self):
        decided = self.cleaned_data["decided_on"]
        if decided and decided > timezone.localdate():
            raise ValidationError("授予或决定日期不能晚于今天", code="decided_future")
        return decided

    def clean(self):
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        for name in (
            PENALTY_ONLY if kind == CreditKind.AWARD else AWARD_ONLY if kind == CreditKind.PENALTY else ()
        ):
            cleaned[name] = False if name == "is_blacklist" else ""
        if kind == CreditKind.AWARD and not cleaned.get("award_level"):
            self.add_error("award_level", "请选择表彰级别")
        if kind == CreditKind.PENALTY:
            if not cleaned.get("penalty_type"):
                self.add_error("penalty_type", "请选择处罚种类")
            if not cleaned.get("legal_basis"):
                self.add_error("legal_basis", "请填写处罚依据")
        start, end = cleaned.get("effective_from"), cleaned.get("effective_until")
        if start and end and end < start:
            self.add_error("effective_until", "有效期止不能早于有效期起")
        if cleaned.get("is_blacklist") and not end:
            self.add_error("effective_until", "列入严重失信名单的，请填写有效期止（移出名单的日期）")
        return cleaned


class ReasonForm(KuaijiForm):
    reason = forms.CharField(
        label="理由",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写理由", "max_length": "理由最多 300 个字"},
    )


class ObjectionForm(KuaijiForm):
    reason = forms.CharField(
        label="异议理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="请说明哪一项内容有误、正确的情况是什么",
        error_messages={"required": "请填写异议理由", "max_length": "异议理由最多 2000 个字"},
    )
    evidence = forms.FileField(
        label="证明材料",
        required=False,
        help_text="JPG 或 PNG 格式的照片或扫描件，不超过 10 MB",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class ObjectionDecisionForm(KuaijiForm):
    outcome = forms.ChoiceField(
        label="处理结论",
        choices=[("upheld", "异议成立"), ("refused", "异议不成立")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择处理结论", "invalid_choice": "请选择处理结论"},
    )
    remedy = forms.ChoiceField(
        label="异议成立时",
        required=False,
        choices=ObjectionRemedy.choices,
        widget=forms.RadioSelect,
        help_text="更正：按异议人提供的情况新建一条更正后的记录，经另一名工作人员复核后替换原记录",
    )
    reason = forms.CharField(
        label="处理意见",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写处理意见", "max_length": "处理意见最多 500 个字"},
    )

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("outcome") == "upheld" and not cleaned.get("remedy"):
            self.add_error("remedy", "异议成立时，请选择撤销或更正该记录")
        return cleaned
