"""The person's question and reply, the staff answer, and the FAQ entry."""

from django import forms

from kuaiji.core.forms import KuaijiForm, text_field

from .constants import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH, QuestionTopic

ATTACHMENT_HINT = "可附一张照片或截图，JPG 或 PNG，不超过 10 MB（可不上传）"


def _body(label: str, *, help_text: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=BODY_MAX_LENGTH,
        strip=True,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"请填写{label}", "max_length": f"{label}最多 {BODY_MAX_LENGTH} 个字"},
    )


def _attachment() -> forms.FileField:
    return forms.FileField(
        label="附件",
        required=False,
        help_text=ATTACHMENT_HINT,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class QuestionForm(KuaijiForm):
    topic = forms.ChoiceField(
        label="咨询类别",
        choices=QuestionTopic.choices,
        widget=forms.RadioSelect,
        initial=QuestionTopic.GENERAL,
        error_messages={"required": "请选择咨询类别", "invalid_choice": "请选择咨询类别"},
    )
    subject = text_field("标题", max_length=SUBJECT_MAX_LENGTH, help_text="一句话说明想咨询什么")
    body = _body("留言内容", help_text="请写明具体情况；请勿填写密码、短信验证码")
    attachment = _attachment()

    def __init__(self, *args, has_submission: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_submission = has_submission
        topic = self.fields["topic"]
        if not has_submission and isinstance(topic, forms.ChoiceField):
            topic.choices = [(QuestionTopic.GENERAL.value, QuestionTopic.GENERAL.label)]

    def clean_topic(self):
        topic = self.cleaned_data["topic"]
        if topic == QuestionTopic.SUBMISSION and not self.has_submission:
            raise forms.ValidationError("您还没有信息登记，请选择一般咨询")
        return topic


class ReplyForm(KuaijiForm):
    body = _body("追问内容", help_text="每条留言在答复后可以追问一次", rows=4)
    attachment = _attachment()


class AnswerForm(KuaijiForm):
    body = _body(
        "答复内容", help_text="将通过站内消息和短信告知留言人有新答复；答复内容只在平台内显示", rows=6
    )
    attachment = _attachment()


class FaqForm(KuaijiForm):
    question = text_field(
        "问题", max_length=SUBJECT_MAX_LENGTH * 2, help_text="公开显示，请勿写入姓名、证件号码等个人信息"
    )
    answer = _body("答复", help_text="公开显示在“常见问题”页面", rows=6)
    position = forms.IntegerField(
        label="排序",
        min_value=0,
        max_value=9999,
        initial=0,
        help_text="数字小的排在前面",
        widget=forms.NumberInput(attrs={"class": "input-short"}),
        error_messages={
            "required": "请填写排序数字",
            "invalid": "排序请填写 0 到 9999 的整数",
            "min_value": "排序请填写 0 到 9999 的整数",
            "max_value": "排序请填写 0 到 9999 的整数",
        },
    )
