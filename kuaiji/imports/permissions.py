"""Who may import old registers: a data officer of a provincial department (the registers are the
province's), or a platform administrator."""

from typing import Any

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.permissions import has_role, is_verified_staff


def may_import(user: Any) -> bool:
    if not is_verified_staff(user) or user.department_id is None:
        return False
    if user.is_superuser or has_role(user, StaffRole.PLATFORM_ADMIN):
        return True
    return has_role(user, StaffRole.DATA_OFFICER) and user.department.parent_id is None
