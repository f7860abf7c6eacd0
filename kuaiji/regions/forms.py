"""A province → prefecture → county picker that works without JavaScript (each level appears once the
one above is chosen and the page is saved) and better with it (kuaiji.js fills the next level at once)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .selectors import choosable_division, division_options, division_path

LEVEL_LABELS = ("省（自治区、直辖市）", "市（地区、州、盟）", "区县")


class DivisionWidget(forms.MultiWidget):
    template_name = "regions/division_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.Select, forms.Select, forms.Select], attrs)

    def decompress(self, value: str | None) -> list[str | None]:
        if not value:
            return [None, None, None]
        codes = [division.code for division in division_path(value)]
        return ([*codes, None, None, None])[:3]

    def get_context(self, name, value, attrs):
        if not isinstance(value, list):
            value = self.decompress(value)
        selected = [code or "" for code in value]
        parents = [None, selected[0] or None, selected[1] or None]
        for index, widget in enumerate(self.widgets):
            parent = parents[index]
            if index > 0 and not parent:
                options = []
            else:
                options = [(option.code, option.name) for option in division_options(parent)]
            # Each subwidget is a forms.Select; MultiWidget types them as Widget.
            widget.choices = [("", f"请选择{LEVEL_LABELS[index]}"), *options]  # type: ignore[attr-defined]
        context = super().get_context(name, selected, attrs)
        for index, subwidget in enumerate(context["widget"]["subwidgets"]):
            subwidget["attrs"]["aria-label"] = LEVEL_LABELS[index]
            subwidget["attrs"]["data-division-level"] = str(index)
            if index > 0 and not subwidget_has_options(self.widgets[index]):
                subwidget["attrs"]["hidden"] = True
        context["widget"]["children_url"] = "/regions/divisions/"
        return context

    def value_from_datadict(self, data, files, name):
        return [data.get(f"{name}_{index}", "") or "" for index in range(3)]


def subwidget_has_options(widget) -> bool:
    return len(widget.choices) > 1


class DivisionField(forms.Field):
    """Its value is the code of the deepest division chosen; it must be a division with no children."""

    widget = DivisionWidget

    def to_python(self, value):
        if isinstance(value, list):
            # The deepest level chosen that still belongs under the level above it.
            codes = [code for code in value if code]
            value = codes[-1] if codes else ""
        return value or ""

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        known, has_children = choosable_division(value)
        if not known:
            raise ValidationError("所选地区不存在，请重新选择", code="unknown_division")
        if has_children:
            raise ValidationError("请继续选择到区县一级", code="not_a_leaf")
