"""The wizard's reveal attributes, written from the conditional-rule table (``collection.rules``)."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from kuaiji.collection import rules

register = template.Library()


@register.simple_tag
def reveal_rules(section: str) -> SafeString:
    """One hidden ``data-reveal`` element per condition of ``section``, read by the page script: the
    targets' groups are hidden while the controller's answer is one of ``data-hide-when``."""
    return format_html_join(
        "\n",
        '<div hidden data-reveal data-controller="{}" data-hide-when="{}" data-targets="{}"></div>',
        (
            (condition.controller, condition.hide_when_attribute, " ".join(condition.targets))
            for condition in rules.conditions_of(section)
        ),
    )
