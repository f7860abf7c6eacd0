"""Department administrators (部门管理员) manage the staff and the directory entry of the departments in
their scope. The gates here decide who may be acted on; the views check the administrator's role.

Every change runs in one transaction with its audit event; sessions end on commit.
"""

import base64
import secrets
import string
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from django_otp.plugins.otp_totp.models import TOTPDevice

from kuaiji.accounts.constants import AccountType, StaffRole
from kuaiji.accounts.models import User
from kuaiji.accounts.sessions import end_sessions
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.regions.models import Department
from kuaiji.regions.scope import departments_in_scope

# A department administrator hands out these roles; platform administrators are made by platform
# administrators only (in the Django admin).
ASSIGNABLE_ROLES = (StaffRole.REVIEWER, StaffRole.DEPARTMENT_ADMIN, StaffRole.AUDITOR, StaffRole.DATA_OFFICER)

# Letters and digits that cannot be mistaken for each other when read out or copied by hand.
_PASSWORD_ALPHABET = "".join(char for char in string.ascii_letters + string.digits if char not in "0O1lIo")
INITIAL_PASSWORD_LENGTH = 14
TOTP_DEVICE_NAME = "身份验证器"


@dataclass
class TotpSetup:
    """What a person types or scans into an authenticator app; shown once, never stored elsewhere."""

    secret: str
    uri: str


@dataclass
class NewStaffMember:
    user: User
    initial_password: str
    totp: TotpSetup


def staff_managed_by(admin) -> QuerySet[User]:
    """Staff accounts of the departments in ``admin``'s scope, platform administrators left out
    (they are managed in the Django admin, never by a department)."""
    return (
        User.objects.filter(account_type=AccountType.STAFF, department__in=departments_in_scope(admin))
        .exclude(is_superuser=True)
        .exclude(groups__name=StaffRole.PLATFORM_ADMIN)
    )


def get_staff_for_admin(admin, staff_uuid) -> User:
    """The staff member, or the same 404 whether they do not exist, are outside ``admin``'s scope, are a
    platform administrator or are not staff at all."""
    staff = staff_managed_by(admin).select_related("department").filter(uuid=staff_uuid).first()
    if staff is None:
        raise Http404
    return staff


def get_department_for_admin(admin, division_code: str) -> Department:
    """The department of ``division_code``, or the same 404 whether it does not exist or is outside scope."""
    department = (
        departments_in_scope(admin).select_related("division").filter(division_id=division_code).first()
    )
    if department is None:
        raise Http404
    return department


def _groups(roles: list[str]) -> list[Group]:
    # The role groups normally exist (``ensure_role_groups``); a role is never lost for want of its group.
    return [Group.objects.get_or_create(name=role)[0] for role in roles]


def roles_of(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def totp_setup_of(device: TOTPDevice) -> TotpSetup:
    return TotpSetup(secret=base64.b32encode(device.bin_key).decode(), uri=device.config_url)


def generate_initial_password(user: User) -> str:
    """A random password the validators accept (with a letter and a digit), for the person to change."""
    while True:
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(INITIAL_PASSWORD_LENGTH))
        if not (any(c.isdigit() for c in password) and any(c.isalpha() for c in password)):
            continue
        try:
            validate_password(password, user=user)
        except ValidationError:
            continue
        return password


def _check_may_act_on(admin, staff: User) -> None:
    if staff.pk == admin.pk:
        raise PermissionDenied("不能对自己的账号执行此操作")
    if not staff_managed_by(admin).filter(pk=staff.pk).exists():
        raise Http404


def _check_roles(roles) -> list[str]:
    roles = sorted(set(roles))
    if not roles:
        raise ValidationError("请至少选择一个角色", code="roles_required")
    if any(role not in ASSIGNABLE_ROLES for role in roles):
        raise PermissionDenied("部门管理员不能授予该角色")
    return roles


def _new_totp_device(user: User) -> TOTPDevice:
    # Confirmed at once: the set-up details are handed over in person, and sign-in only accepts
    # confirmed devices. Any earlier device stops working.
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)


@transaction.atomic
def create_staff_member(
    *, admin, username: str, full_name: str, department: Department, roles: list[str], request=None
) -> NewStaffMember:
    """Create a staff account with a random initial password and a TOTP device; both are returned to be
    shown once. The caller checked that ``admin`` is a department administrator; the department and roles
    are checked here too (PermissionDenied), and the user name is unique (ValidationError)."""
    roles = _check_roles(roles)
    if not departments_in_scope(admin).filter(pk=department.pk).exists():
        raise PermissionDenied("该部门不在您的管理范围内")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError("该用户名已被使用", code="username_taken")
    user = User(username=username, account_type=AccountType.STAFF, full_name=full_name, department=department)
    password = generate_initial_password(user)
    user.set_password(password)
    user.save()
    user.groups.set(_groups(roles))
    device = _new_totp_device(user)
    record_event(
        action=AuditAction.STAFF_CREATED,
        actor=admin,
        target=user,
        request=request,
        details={"username": username, "department": department.division_id, "roles": roles},
    )
    return NewStaffMember(user=user, initial_password=password, totp=totp_setup_of(device))


@transaction.atomic
def set_staff_roles(*, admin, staff: User, roles: list[str], request=None) -> None:
    """Replace the roles of a staff member in scope (never one's own, never 平台管理员)."""
    _check_may_act_on(admin, staff)
    roles = _check_roles(roles)
    staff = User.objects.select_for_update().get(pk=staff.pk)
    before = roles_of(staff)
    staff.groups.set(_groups(roles))
    record_event(
        action=AuditAction.STAFF_ROLES_CHANGED,
        actor=admin,
        target=staff,
        request=request,
        details={"before": before, "after": roles},
    )


@transaction.atomic
def deactivate_staff_member(*, admin, staff: User, request=None) -> bool:
    """Deactivate a staff member in scope (not oneself) and end their sessions. False when already inactive."""
    _check_may_act_on(admin, staff)
    staff = User.objects.select_for_update().get(pk=staff.pk)
    if not staff.is_active:
        return False
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    record_event(action=AuditAction.STAFF_DEACTIVATED, actor=admin, target=staff, request=request)
    transaction.on_commit(lambda: end_sessions(staff))
    return True


@transaction.atomic
def reset_staff_totp(*, admin, staff: User, request=None) -> TotpSetup:
    """Give a staff member in scope (not oneself) a new TOTP device; the old one stops working and their
    sessions end. Returns the set-up details, to be shown once."""
    _check_may_act_on(admin, staff)
    staff = User.objects.select_for_update().get(pk=staff.pk)
    device = _new_totp_device(staff)
    record_event(action=AuditAction.STAFF_TOTP_RESET, actor=admin, target=staff, request=request)
    transaction.on_commit(lambda: end_sessions(staff))
    return totp_setup_of(device)


DIRECTORY_FIELDS = ("address", "phones", "office_hours")


@transaction.atomic
def update_department_contacts(
    *, admin, department: Department, address: str, phones: str, office_hours: str, request=None
) -> list[str]:
    """Change a department's entry in the contact directory. Returns the fields that changed (no event
    when none did). The department must be in ``admin``'s scope (404 otherwise)."""
    if not departments_in_scope(admin).filter(pk=department.pk).exists():
        raise Http404
    department = Department.objects.select_for_update().get(pk=department.pk)
    values = {"address": address, "phones": phones, "office_hours": office_hours}
    changed = [name for name in DIRECTORY_FIELDS if getattr(department, name) != values[name]]
    if not changed:
        return []
    details = {name: {"before": getattr(department, name), "after": values[name]} for name in changed}
    for name in changed:
        setattr(department, name, values[name])
    department.save(update_fields=changed)
    record_event(
        action=AuditAction.DEPARTMENT_CONTACTS_UPDATED,
        actor=admin,
        target=department,
        request=request,
        details=details,
    )
    return changed


def has_totp_device(users) -> set[int]:
    """The ids of ``users`` who have a confirmed TOTP device (one query)."""
    return set(
        TOTPDevice.objects.filter(Q(user__in=users) & Q(confirmed=True)).values_list("user_id", flat=True)
    )
