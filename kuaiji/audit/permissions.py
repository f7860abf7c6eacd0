"""Who may read the audit log: platform administrators, and auditors of the provincial (root) department.

The log names people of every region, so an auditor of a prefecture or county department — whose scope is
only their part of the tree — is not let in (verified staff is checked by the view)."""

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.permissions import holds_role_at_the_province


def can_search_audit(user) -> bool:
    """Whether ``user`` holds a role that reads the audit log. Does not check the second factor:
    the view is also wrapped in ``staff_required``."""
    return holds_role_at_the_province(user, StaffRole.AUDITOR)
