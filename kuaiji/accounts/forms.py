from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError

from captcha.fields import CaptchaField, CaptchaTextInput

from kuaiji.core.constants import DocumentType
from kuaiji.core.forms import KuaijiForm
from kuaiji.core.images import photo_hint
from kuaiji.core.validators import clean_document_number, clean_mobile, clean_person_name

from .constants import AppealReason

DOCUMENT_NUMBER_HINT = "居民身份证号码为 18 位，最后一位可能是 X"


class ChineseCaptchaField(CaptchaField):
    """The picture captcha; for an address that asked for many SMS codes it has more characters, and an
    answer to a shorter one (fetched before, or elsewhere) is refused."""

    def __init__(self, **kwargs):
        from .verification import captcha_length

        self.length = captcha_length()
        kwargs.setdefault("label", "图片验证码")
        kwargs.setdefault("help_text", f"请输入图中的 {self.length} 个字符，不区分大小写")
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": "图片验证码不正确，请重新输入",
                "required": "请输入图片验证码",
                "incomplete": "请输入图片验证码",
            },
        )
        kwargs.setdefault(
            "widget",
            CaptchaTextInput(attrs={"autocomplete": "off", "autocapitalize": "off", "class": "input-short"}),
        )
        super().__init__(**kwargs)

    def __deepcopy__(self, memo):
        # Each form gets a copy of its class's field: the length is the current request's.
        from .verification import captcha_length

        field = super().__deepcopy__(memo)
        if field.length != (length := captcha_length()):
            field.help_text = field.help_text.replace(f" {field.length} 个", f" {length} 个")
            field.length = length
        return field

    def clean(self, value):
        from captcha.models import CaptchaStore

        key = value[0] if isinstance(value, list | tuple) and value else ""
        response = CaptchaStore.objects.filter(hashkey=key).values_list("response", flat=True).first()
        if response is not None and len(response) < self.length:
            raise ValidationError(
                f"请输入图中的 {self.length} 个字符（已换成更长的图片验证码）", code="invalid"
            )
        return super().clean(value)


def document_type_field():
    return forms.ChoiceField(label="证件类型", choices=DocumentType.choices, initial=DocumentType.RESIDENT_ID)


def document_number_field():
    return forms.CharField(
        label="证件号码",
        max_length=40,
        help_text=DOCUMENT_NUMBER_HINT,
        error_messages={"required": "请输入证件号码"},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


def full_name_field():
    return forms.CharField(
        label="姓名",
        max_length=60,
        help_text="与证件上的姓名一致，少数民族姓名中的间隔号“·”请照实填写",
        error_messages={"required": "请输入姓名"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        strip=False,
    )


def mobile_field(label="手机号码"):
    return forms.CharField(
        label=label,
        max_length=20,
        help_text="用于接收短信验证码，也可用于登录",
        error_messages={"required": "请输入手机号码"},
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel", "class": "input-short"}
        ),
    )


def sms_code_field():
    return forms.CharField(
        label="短信验证码",
        max_length=6,
        required=False,  # required only on the final submit; the form's clean says so
        help_text="6 位数字，5 分钟内有效",
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "class": "input-short",
                "pattern": "[0-9]*",
            }
        ),
    )


def password_fields():
    first = forms.CharField(
        label="密码",
        strip=False,
        help_text="至少 8 位，须同时包含字母和数字，不能与证件号码相同",
        error_messages={"required": "请设置密码"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    second = forms.CharField(
        label="确认密码",
        strip=False,
        error_messages={"required": "请再次输入密码"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    return first, second


# The mixins are used with a Form; to the type checker they are one.
if TYPE_CHECKING:
    _FormBase = forms.Form
else:
    _FormBase = object


class DocumentFieldsMixin(_FormBase):
    """Cleans document type + number together through the one validator."""

    def clean_full_name(self):
        return clean_person_name(self.cleaned_data.get("full_name", ""))

    def clean_mobile(self):
        return clean_mobile(self.cleaned_data.get("mobile", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Django's Form.clean returns cleaned_data
        document_type = cleaned.get("document_type")
        raw = cleaned.get("document_number")
        if document_type and raw:
            try:
                cleaned["document_number"] = clean_document_number(document_type, raw)
            except ValidationError as error:
                self.add_error("document_number", error)
        return cleaned


class PasswordPairMixin(_FormBase):
    def check_password_pair(self, cleaned, *, document_number):
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "两次输入的密码不一致")
        elif password1:
            try:
                from .services import validate_new_password

                validate_new_password(password1, document_number=document_number)
            except ValidationError as error:
                self.add_error("password1", error)


class SendCodeForm(KuaijiForm):
    """The part of a page needed to send an SMS code: the phone and the picture captcha."""

    mobile = mobile_field()
    captcha = ChineseCaptchaField()

    def clean_mobile(self):
        return clean_mobile(self.cleaned_data.get("mobile", ""))


class RegistrationForm(DocumentFieldsMixin, PasswordPairMixin, KuaijiForm):
    required_on_submit = ("sms_code", "id_photo")
    document_type = document_type_field()
    document_number = document_number_field()
    full_name = full_name_field()
    mobile = mobile_field()
    sms_code = sms_code_field()
    password1, password2 = password_fields()
    id_photo = forms.FileField(
        label="身份证件人像面照片",
        required=False,  # a photo kept from an earlier try counts; the view checks
        help_text=photo_hint("；请拍摄证件原件，四角完整、文字清晰"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    id_photo_token = forms.CharField(required=False, widget=forms.HiddenInput)
    agreement = forms.BooleanField(
        label="我已阅读并同意《用户注册协议》和《个人信息保护说明》",
        help_text='<a href="/agreement/" target="_blank" rel="noopener">阅读《用户注册协议》和《个人信息保护说明》（新窗口打开）</a>',
        error_messages={"required": "请阅读并勾选同意注册协议"},
    )

    # Pillow's own ImageField check is replaced by kuaiji.core.images (content sniffing, re-encoding).
    def clean_id_photo(self):
        return self.files.get(self.add_prefix("id_photo"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("sms_code"):
            self.add_error("sms_code", "请输入短信验证码")
        elif not cleaned["sms_code"].isdigit() or len(cleaned["sms_code"]) != 6:
            self.add_error("sms_code", "短信验证码为 6 位数字")
        self.check_password_pair(cleaned, document_number=cleaned.get("document_number"))
        return cleaned


class SignInForm(KuaijiForm):
    # Set in accounts.views.signing, next to the sign-in view that shows it.
    wrong_credentials_message: ClassVar[str]
    login = forms.CharField(
        label="证件号码或手机号码",
        max_length=40,
        help_text="使用注册时的证件号码，或已验证的手机号码",
        error_messages={"required": "请输入证件号码或手机号码"},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        error_messages={"required": "请输入密码"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, with_captcha: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_captcha:
            self.fields["captcha"] = ChineseCaptchaField()


class StaffSignInForm(KuaijiForm):
    # Set in accounts.views.signing, next to the sign-in view that shows it.
    wrong_credentials_message: ClassVar[str]
    username = forms.CharField(
        label="用户名",
        max_length=64,
        error_messages={"required": "请输入用户名"},
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        error_messages={"required": "请输入密码"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, with_captcha: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_captcha:
            self.fields["captcha"] = ChineseCaptchaField()


class ResetPasswordForm(DocumentFieldsMixin, PasswordPairMixin, KuaijiForm):
    required_on_submit = ("sms_code",)
    document_type = document_type_field()
    document_number = document_number_field()
    full_name = full_name_field()
    sms_code = sms_code_field()
    password1, password2 = password_fields()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = "新密码"
        self.fields["password2"].label = "确认新密码"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("sms_code"):
            self.add_error("sms_code", "请输入短信验证码")
        self.check_password_pair(cleaned, document_number=cleaned.get("document_number"))
        return cleaned


class ResetSendCodeForm(DocumentFieldsMixin, KuaijiForm):
    """Asking for a reset code: the code goes to the phone on the account, which is not shown."""

    document_type = document_type_field()
    document_number = document_number_field()
    full_name = full_name_field()
    captcha = ChineseCaptchaField()


class ChangePasswordForm(PasswordPairMixin, KuaijiForm):
    old_password = forms.CharField(
        label="当前密码",
        strip=False,
        error_messages={"required": "请输入当前密码"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    password1, password2 = password_fields()

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = "新密码"
        self.fields["password2"].label = "确认新密码"

    def clean_old_password(self):
        old = self.cleaned_data.get("old_password", "")
        if not self.user.check_password(old):
            raise ValidationError("当前密码不正确", code="wrong_password")
        return old

    def clean(self):
        cleaned = super().clean()
        self.check_password_pair(cleaned, document_number=self.user.document_number)
        return cleaned


class ActivationForm(DocumentFieldsMixin, PasswordPairMixin, KuaijiForm):
    required_on_submit = ("sms_code",)
    full_name = full_name_field()
    document_type = document_type_field()
    document_number = document_number_field()
    mobile = mobile_field()
    sms_code = sms_code_field()
    password1, password2 = password_fields()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("sms_code"):
            self.add_error("sms_code", "请输入短信验证码")
        self.check_password_pair(cleaned, document_number=cleaned.get("document_number"))
        return cleaned


def photo_field(label, help_text):
    return forms.FileField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class AppealForm(DocumentFieldsMixin, KuaijiForm):
    required_on_submit = ("sms_code", "photo_front", "photo_back", "photo_in_hand")
    reason = forms.ChoiceField(
        label="申诉原因",
        choices=AppealReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择申诉原因"},
    )
    full_name = full_name_field()
    document_type = document_type_field()
    document_number = document_number_field()
    mobile = mobile_field(label="新手机号码")
    sms_code = sms_code_field()
    explanation = forms.CharField(
        label="情况说明",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="可简要说明情况，不超过 1000 字",
    )
    photo_front = photo_field("证件人像面照片", photo_hint())
    photo_back = photo_field("证件国徽面照片", photo_hint())
    photo_in_hand = photo_field("手持证件照片", "本人手持证件正面拍摄，面部和证件文字清晰可见")
    photo_front_token = forms.CharField(required=False, widget=forms.HiddenInput)
    photo_back_token = forms.CharField(required=False, widget=forms.HiddenInput)
    photo_in_hand_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_photo_front(self):
        return self.files.get(self.add_prefix("photo_front"))

    def clean_photo_back(self):
        return self.files.get(self.add_prefix("photo_back"))

    def clean_photo_in_hand(self):
        return self.files.get(self.add_prefix("photo_in_hand"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("sms_code"):
            self.add_error("sms_code", "请输入短信验证码")
        return cleaned


class SmsLogSearchForm(forms.Form):
    """Support's search of the SMS log: the whole number, so a search finds one person's messages."""

    mobile = forms.CharField(
        label="手机号码",
        max_length=20,
        help_text="请输入完整的 11 位手机号码",
        error_messages={"required": "请输入手机号码"},
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "off", "class": "input-short"}
        ),
    )

    def clean_mobile(self):
        return clean_mobile(self.cleaned_data.get("mobile", ""))


__all__ = [
    "ActivationForm",
    "AppealForm",
    "ChangePasswordForm",
    "RegistrationForm",
    "ResetPasswordForm",
    "ResetSendCodeForm",
    "SendCodeForm",
    "SignInForm",
    "SmsLogSearchForm",
    "StaffSignInForm",
]
