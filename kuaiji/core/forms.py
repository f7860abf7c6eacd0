from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.renderers import TemplatesSetting


class KuaijiFormRenderer(TemplatesSetting):
    """Renders every field as label (with * when required), hint, error and input, in that order."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


class SharedChoiceField(forms.ChoiceField):
    """A choice field whose copies share its list of choices. Django deep-copies every field of a form for
    each form it makes, and a choice field its choices with it: for the wizard's sections that was about a
    tenth of a save (bench/api_bench.py, KUAIJI_BENCH_PROFILE). The choices are the project's tables,
    never changed in place (a form that narrows them assigns a new list)."""

    def __deepcopy__(self, memo):
        # Field's copy (widget, messages, validators), without ChoiceField's deep copy of the choices.
        return forms.Field.__deepcopy__(self, memo)  # type: ignore[attr-defined]  # not in the stubs


class KuaijiForm(forms.Form):
    """A form whose required fields are marked and whose errors say how to fix them in Chinese."""

    required_css_class = "is-required"
    error_css_class = "has-error"
    # Fields that are optional for the form's intermediate actions (e.g. asking for an SMS code) but
    # required on the final submit: marked with * like the others.
    required_on_submit: tuple[str, ...] = ()
    # Set by Django's BaseForm.full_clean; the views reset it to redisplay a form without its errors.
    _errors: forms.utils.ErrorDict | None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.required_on_submit:
            if name in self.fields:
                # A marker the field template reads (not a Field attribute).
                self.fields[name].required_on_submit = True  # type: ignore[attr-defined]

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id, message) for the error summary box at the top of the page."""
        items = [("", str(message)) for message in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            anchor = self[name].auto_id or ""
            widget = self.fields[name].widget
            if anchor and isinstance(widget, forms.MultiWidget):
                # A multi-widget has no element of its own id; its first visible part does (the picture
                # captcha's first part is its hidden key).
                parts = [index for index, part in enumerate(widget.widgets) if not part.is_hidden]
                anchor += f"_{parts[0] if parts else 0}"
            items.extend((anchor, str(message)) for message in errors)
        return items


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    """A date typed or picked as 年-月-日, with the project's messages."""
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date", "class": "input-short"}, format="%Y-%m-%d"),
        error_messages={"invalid": "请按“年-月-日”填写日期，例如 2015-07-01", "required": f"请填写{label}"},
    )


def text_field(
    label: str, *, required: bool = True, max_length: int = 100, help_text: str = "", short: bool = False
) -> forms.CharField:
    """A line of text with the project's messages (what is missing, how long it may be)."""
    attrs = {"class": "input-short"} if short else {}
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        error_messages={"required": f"请填写{label}", "max_length": f"{label}不能超过 {max_length} 个字"},
        widget=forms.TextInput(attrs=attrs),
    )
