"""Who may read the audit log: platform administrators, and auditors of the provincial (root) department.

The log names people of every region, so an auditor of a prefecture or county department — whose scope is
only their part of the tree — is not let in (verified staff is checked by the view)."""

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.permissions import has_role

AUDIT_READER_ROLES = (StaffRole.PLATFORM_ADMIN, StaffRole.AUDITOR)


def can_search_audit(user) -> bool:
    """Whether ``user`` holds a role that reads the audit log. Does not check the second factor:
    the view is also wrapped in ``staff_required``."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or has_role(user, StaffRole.PLATFORM_ADMIN):
        return True
    department = getattr(user, "department", None)
    return has_role(user, StaffRole.AUDITOR) and department is not None and department.parent_id is None
