"""Who may read the audit log: platform administrators and auditors (verified staff, checked by the view)."""

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.permissions import has_role

AUDIT_READER_ROLES = (StaffRole.PLATFORM_ADMIN, StaffRole.AUDITOR)


def can_search_audit(user) -> bool:
    """Whether ``user`` holds a role that reads the audit log. Does not check the second factor:
    the view is also wrapped in ``staff_required``."""
    return user.is_authenticated and any(has_role(user, role) for role in AUDIT_READER_ROLES)
