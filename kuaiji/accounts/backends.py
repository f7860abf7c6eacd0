import re
from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connection

from kuaiji.core.statements import columns, instances
from kuaiji.core.validators import has_control_characters, normalise_document_number

from .constants import AccountType
from .models import User
from .permissions import remember_role_names

MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def normalise_login(raw: str) -> str:
    """What was typed to sign in, as stored: a document number's (or a mobile's) one normalisation."""
    return normalise_document_number(raw)


def find_applicant(login: str) -> User | None:
    """The applicant whose document number, or verified mobile, is ``login``."""
    login = normalise_login(login)
    if not login or has_control_characters(login):
        return None  # no account holds one (and PostgreSQL refuses NUL in a query)
    applicants = User.objects.filter(account_type=AccountType.APPLICANT)
    if MOBILE_PATTERN.match(login):
        user = applicants.filter(mobile=login, mobile_verified_at__isnull=False).first()
        if user is not None:
            return user
    # Passport numbers are unique per type only; the first match is enough to check a password
    # against, and a collision between two passports is left to an appeal.
    return applicants.filter(document_number=login).order_by("pk").first()


ROLE_NAME_COLUMN = "kuaiji_role_name"


@cache
def roles_join_sql() -> str:
    """Joins the names of the user ``u``'s groups (roles) to a statement (``g.name``), one row a group:
    every staff request asks for the roles (the navigation, the permission checks), and reading them
    with the user saves that query. ``user_with_roles`` makes the rows one user again."""
    quote = connection.ops.quote_name
    links, groups = User.groups.through._meta.db_table, Group._meta.db_table
    return (
        f" LEFT JOIN {quote(links)} ug ON ug.user_id = u.id LEFT JOIN {quote(groups)} g ON g.id = ug.group_id"
    )


def user_with_roles(sql: str, params: list, *, extra: tuple[str, ...] = ()) -> User | None:
    """The user read by ``sql``, their role names remembered. It selects ``columns(User, "u")``, then a
    column for each of ``extra`` (set on the user), then ``g.name`` of ``roles_join_sql``: one row a role."""
    rows = instances(User, sql, params, extra=(*extra, ROLE_NAME_COLUMN))
    if not rows:
        return None
    user = rows[0]
    remember_role_names(user, {name for row in rows if (name := getattr(row, ROLE_NAME_COLUMN))})
    return user


@cache
def _user_by_pk_sql() -> str:
    table = connection.ops.quote_name(User._meta.db_table)
    return f"SELECT {columns(User, 'u')}, g.name FROM {table} u{roles_join_sql()} WHERE u.id = %s"


class _SessionUserBackend(ModelBackend):
    """Reads the person of a page session, with their roles, in one written-out statement: every page
    request does, and compiling the ORM's ``get(pk=…)`` cost more than the database's answer
    (bench/api_bench.py, KUAIJI_BENCH_PROFILE)."""

    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = user_with_roles(_user_by_pk_sql(), [pk])
        return user if user is not None and self.user_can_authenticate(user) else None


class ApplicantBackend(_SessionUserBackend):
    """Applicants sign in with a document number (or their verified mobile) and a password."""

    # Django passes the credentials by name: ``login`` (not ``username``) keeps staff usernames out.
    def authenticate(self, request, login=None, password=None, **kwargs):  # type: ignore[override]
        if login is None or password is None:
            return None
        user = find_applicant(login)
        if user is None:
            # Run the hasher anyway so an unknown number takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class StaffBackend(_SessionUserBackend):
    """Staff sign in with their user name; the second factor comes with the review screens."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = User.objects.filter(account_type=AccountType.STAFF, username=username.strip()).first()
        if user is None:
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
