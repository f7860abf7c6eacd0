"""The credit entries in effect, shown on the archive record page (archive cannot import credit: credit
reads the archive)."""

from django import template

from ..selectors import entries_in_effect

register = template.Library()


@register.inclusion_tag("credit/_in_effect.html")
def credit_in_effect(record):
    """The record's published entries in effect today (one query), with a link to the whole credit file."""
    return {"record": record, "entries": entries_in_effect(record)}
