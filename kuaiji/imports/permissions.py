"""Who may import old registers: a data officer of a provincial department (the registers are the
province's), or a platform administrator."""

from typing import Any

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.permissions import holds_role_at_the_province, is_verified_staff


def may_import(user: Any) -> bool:
    return (
        is_verified_staff(user)
        and user.department_id is not None
        and holds_role_at_the_province(user, StaffRole.DATA_OFFICER)
    )
