"""``{% select_options choices selected %}``: a filter form's ``<option>`` list, rendered in Python.

The staff list pages offer every department in scope (53 for a province) and every status in a select; as
template loops each option cost a few variable nodes and filters, a noticeable part of a page whose rows
are already rendered in Python (decision 0022). Values and labels are escaped here."""

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def select_options(choices: Iterable[tuple[Any, Any]], selected: Any = "", *, skip: str = "") -> SafeString:
    """One ``<option>`` per ``(value, label)``, the one whose value equals ``selected`` (compared as text)
    marked selected; a value equal to ``skip`` is left out."""
    chosen = "" if selected is None else str(selected)
    options = []
    for value, label in choices:
        text = str(value)
        if skip and text == skip:
            continue
        mark = " selected" if text == chosen else ""
        options.append(f'<option value="{escape(text)}"{mark}>{escape(str(label))}</option>')
    return mark_safe("".join(options))  # each value and label escaped above
