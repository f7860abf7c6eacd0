"""The notice and an applicant's submissions, as the collection steps read them."""

from functools import cache
from typing import TYPE_CHECKING

from django.db import connection

from kuaiji.core.statements import columns, instances

from ..constants import OPEN_STATUSES, Status
from ..models import Notice, Revision, Submission

if TYPE_CHECKING:
    from kuaiji.accounts.models import User


def current_notice() -> Notice | None:
    return Notice.objects.order_by("-version").first()


@cache
def _open_submission_sql() -> str:
    # Written out, as the latest submission's below: every wizard save and upload reads it first.
    table = connection.ops.quote_name(Submission._meta.db_table)
    statuses = ", ".join(["%s"] * len(OPEN_STATUSES))
    return (
        f"SELECT {columns(Submission, table)} FROM {table}"
        f" WHERE applicant_id = %s AND status IN ({statuses}) ORDER BY id LIMIT 1"
    )


def open_submission(applicant: "User") -> Submission | None:
    """The applicant's submission that is not decided yet (a draft, pending, or returned); None when
    there is none (at most one is open at a time)."""
    params = [applicant.pk, *(status.value for status in OPEN_STATUSES)]
    submission = next(iter(instances(Submission, _open_submission_sql(), params)), None)
    if submission is not None:
        submission.applicant = applicant  # the caller's row: not loaded a second time
    return submission


@cache
def _latest_submission_sql() -> str:
    # Written out, not built by the ORM: the applicant's status and submission read it on every request,
    # and compiling it cost more than the database's answer (bench/api_bench.py, KUAIJI_BENCH_PROFILE).
    table = connection.ops.quote_name(Submission._meta.db_table)
    return (
        f"SELECT {columns(Submission, table)} FROM {table}"
        f" WHERE applicant_id = %s ORDER BY created_at DESC, id DESC LIMIT 1"
    )


def latest_submission(applicant: "User") -> Submission | None:
    """The applicant's most recent submission (first collection, change or transfer), with its
    department; None before the first one."""
    from kuaiji.regions.selectors import department_by_pk

    submission = next(iter(instances(Submission, _latest_submission_sql(), [applicant.pk])), None)
    if submission is not None:
        submission.applicant = applicant  # the caller's row: not loaded a second time
        if submission.department_id is not None:
            submission.department = department_by_pk(submission.department_id)
    return submission


def latest_approved_revision(applicant: "User") -> Revision | None:
    submission = (
        Submission.objects.filter(applicant=applicant, status=Status.APPROVED).order_by("-decided_at").first()
    )
    return submission.revisions.order_by("-number").first() if submission else None
