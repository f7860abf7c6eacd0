"""Who may edit the wizard's notice (阅读须知): a platform administrator, or a department administrator of a
provincial (root) department.

There is one notice for every applicant of the platform, so it is the province's text: an administrator
of a prefecture or county department, who publishes 通知公告 only for their part of the tree, may not
change what every applicant reads (as auditors of the province alone read the whole audit log, and data
officers of the province alone import registers). Verified staff is checked by ``staff_required``.
"""

from typing import Any

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.permissions import holds_role_at_the_province, is_verified_staff


def may_edit_reading_notice(user: Any) -> bool:
    return (
        is_verified_staff(user)
        and user.department_id is not None
        and holds_role_at_the_province(user, StaffRole.DEPARTMENT_ADMIN)
    )
