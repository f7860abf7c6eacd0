from django import forms
from django.forms.renderers import TemplatesSetting


class KuaijiFormRenderer(TemplatesSetting):
    """Renders every field as label (with * when required), hint, error and input, in that order."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


class KuaijiForm(forms.Form):
    """A form whose required fields are marked and whose errors say how to fix them in Chinese."""

    required_css_class = "is-required"
    error_css_class = "has-error"

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id, message) for the error summary box at the top of the page."""
        items = [("", str(message)) for message in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS:
                continue
            anchor = self[name].auto_id or ""
            items.extend((anchor, str(message)) for message in errors)
        return items
