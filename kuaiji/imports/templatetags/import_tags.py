from django import template

from ..permissions import may_import

register = template.Library()


@register.filter
def can_import(user) -> bool:
    """Whether the staff menu offers 原有人员导入 (the pages check again)."""
    return user.is_authenticated and may_import(user)
