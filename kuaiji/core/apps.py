from django.apps import AppConfig

# Django's own messages, as its Chinese translation words them ("这个字段是必须的。", "不允许是用空字符串。"
# for a NUL…), read badly and do not say how to fix the input: every form field starts with ours instead.
# Forms still give field-specific messages ("请输入证件号码") where they have one.
FIELD_MESSAGES = {
    "required": "此项为必填项，请填写",
}
CHOICE_MESSAGES = {"invalid_choice": "请从列表中选择一项"}
NUMBER_MESSAGES = {"invalid": "请输入数字"}
DATE_MESSAGES = {"invalid": "请按“年-月-日”格式输入日期，例如 1990-03-14"}
# Django's empty choice reads "---------"; ours asks for a choice. Forms that mean "any" (the archive's
# filters) still pass their own empty_label.
EMPTY_CHOICE_LABEL = "请选择"
NUL_MESSAGE = "不能包含控制字符（例如从其他软件复制时带入的不可见字符），请删除后重新输入"


class CoreConfig(AppConfig):
    name = "kuaiji.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from django import forms
        from django.core import validators
        from django.db.models import fields as model_fields

        forms.Field.default_error_messages.update(FIELD_MESSAGES)
        for field_class in (forms.ChoiceField, forms.MultipleChoiceField, forms.ModelChoiceField):
            field_class.default_error_messages.update(CHOICE_MESSAGES)
        forms.ModelMultipleChoiceField.default_error_messages.update(
            {"invalid_choice": "请从列表中选择", "invalid_pk_value": "请从列表中选择"}
        )
        for number_class in (forms.IntegerField, forms.DecimalField, forms.FloatField):
            number_class.default_error_messages.update(NUMBER_MESSAGES)
        forms.DateField.default_error_messages.update(DATE_MESSAGES)
        forms.DateTimeField.default_error_messages.update({"invalid": "请输入正确的日期和时间"})
        forms.EmailField.default_error_messages.update({"invalid": "请输入正确的电子邮箱地址"})
        validators.EmailValidator.message = "请输入正确的电子邮箱地址"
        validators.ProhibitNullCharactersValidator.message = NUL_MESSAGE
        kwdefaults = forms.ModelChoiceField.__init__.__kwdefaults__ or {}
        kwdefaults["empty_label"] = EMPTY_CHOICE_LABEL
        forms.ModelChoiceField.__init__.__kwdefaults__ = kwdefaults
        # Model fields' choices (admin, model forms) start with this list; it is shared, so it is
        # replaced in place.
        model_fields.BLANK_CHOICE_DASH[:] = [("", EMPTY_CHOICE_LABEL)]
