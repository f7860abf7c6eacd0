from django import template

from kuaiji.audit.permissions import can_search_audit as _can_search_audit

register = template.Library()


@register.filter
def can_search_audit(user) -> bool:
    """``{% if user|can_search_audit %}``: show the link to the audit log only to those who may open it."""
    return _can_search_audit(user)
