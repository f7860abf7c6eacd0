"""Template checks for the department administrators' pages."""

from django import template

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.permissions import has_role

register = template.Library()


@register.filter
def can_manage_staff(user) -> bool:
    """Whether the home page offers 工作人员管理 (the pages themselves check again)."""
    return user.is_authenticated and has_role(user, StaffRole.DEPARTMENT_ADMIN)
