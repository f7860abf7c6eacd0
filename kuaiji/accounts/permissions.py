"""Who may open staff pages: signed-in staff whose session passed the second factor."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .constants import StaffRole


def is_verified_staff(user) -> bool:
    return (
        user.is_authenticated
        and user.is_staff_member
        and user.is_active
        and getattr(user, "is_verified", lambda: False)()
    )


ROLE_NAMES = "_kuaiji_role_names"


def remember_role_names(user, names: set[str]) -> None:
    """The user's group names, read with the user (accounts.backends), for ``has_role`` to use."""
    setattr(user, ROLE_NAMES, names)


def has_role(user, role: str) -> bool:
    """Whether ``user`` holds ``role`` (a group); the user's group names are read once per request."""
    if user.is_superuser:
        return True
    names = getattr(user, ROLE_NAMES, None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        remember_role_names(user, names)
    return role in names


def holds_role_at_the_province(user, role: str) -> bool:
    """A platform administrator (or superuser), or ``role`` held in a provincial (root) department: what
    the province alone may do for everyone below it (import the old registers, read the whole audit log,
    edit the wizard's 阅读须知). Does not check the second factor: the views are ``staff_required``."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or has_role(user, StaffRole.PLATFORM_ADMIN):
        return True
    department = getattr(user, "department", None)
    return has_role(user, role) and department is not None and department.parent_id is None


def staff_required(view=None, *, role: str | None = None):
    """Anonymous → the staff sign-in page; not verified staff, or without ``role`` → 403."""

    def decorator(func):
        @wraps(func)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url="accounts:staff_sign_in")
            if not is_verified_staff(user) or user.department_id is None:
                raise PermissionDenied
            if role is not None and not has_role(user, role):
                raise PermissionDenied
            return func(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator


REVIEWER = StaffRole.REVIEWER


# Roles that may export whole document numbers, and only when they ask for them (默认隐藏中间位).
FULL_NUMBER_EXPORT_ROLES = (StaffRole.PLATFORM_ADMIN, StaffRole.DEPARTMENT_ADMIN)


def may_export_full_numbers(staff) -> bool:
    return any(has_role(staff, role) for role in FULL_NUMBER_EXPORT_ROLES)


def may_read_sms_log(user) -> bool:
    """Support staff (客服人员) and platform administrators read the SMS delivery log and resend codes.
    Platform-wide: messages belong to no department. The views are also ``staff_required``."""
    return user.is_authenticated and (
        has_role(user, StaffRole.SUPPORT) or has_role(user, StaffRole.PLATFORM_ADMIN)
    )
