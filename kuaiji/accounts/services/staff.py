"""Staff accounts: role groups, set-up, and the TOTP check at sign-in."""

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from ..constants import AccountType
from ..models import User

if TYPE_CHECKING:
    from kuaiji.regions.models import Department


def ensure_role_groups() -> None:
    from django.contrib.auth.models import Group

    from ..constants import StaffRole

    for role in StaffRole:
        Group.objects.get_or_create(name=role.value)


@transaction.atomic
def ensure_staff_member(
    *,
    username: str,
    full_name: str,
    department: "Department | None",
    roles: list[str],
    password: str,
    is_platform_admin: bool = False,
) -> User:
    """Create a staff account if it does not exist yet (demo data and set-up scripts)."""
    from django.contrib.auth.models import Group

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            account_type=AccountType.STAFF,
            full_name=full_name,
            department=department,
            is_staff=is_platform_admin,
            is_superuser=is_platform_admin,
        )
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=roles))
    return user


@dataclass(frozen=True)
class TotpCheck:
    """The outcome of a staff member's TOTP code: the matching device, or why not."""

    device: Any = None
    # Seconds until django-otp's throttling (after a wrong code) lets the devices check a code again.
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.device is not None


def check_staff_totp(*, user: User, code: str) -> TotpCheck:
    """Check a 6-digit code against the user's confirmed devices (the sign-in page and the API both call
    this). After a wrong code django-otp refuses every code for a growing interval, a correct one too; then
    ``wait_seconds`` says how long, so the caller can say when to try again instead of "wrong code".
    Records nothing: the callers audit the sign-in or the failure."""
    from django_otp import devices_for_user

    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6):
        return TotpCheck()
    wait = 0
    now = timezone.now()
    for device in devices_for_user(user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if not allowed:
            locked_until = (data or {}).get("locked_until")
            seconds = math.ceil((locked_until - now).total_seconds()) if locked_until else 1
            wait = max(wait, seconds, 1)
            continue
        if device.verify_token(code):
            return TotpCheck(device=device)
    return TotpCheck(wait_seconds=wait)
