"""Saving a draft: the notice, a section, the verified mobile (each against the version the page showed)."""

from functools import cache
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from ..constants import EDITABLE_STATUSES
from ..models import Notice, Submission
from .errors import DraftConflict, NotEditable


def _field(name: str) -> "Field[Any, Any]":
    return cast("Field[Any, Any]", Submission._meta.get_field(name))


@cache
def _versioned_update_sql(fields: tuple[str, ...]) -> str:
    """The UPDATE of a draft's ``fields``, its version and its time, only if it is still at the version
    read and editable. Written out: every wizard save runs it, and the ORM's compile of the update cost
    about as much as the database's answer (bench/api_bench.py, KUAIJI_BENCH_PROFILE)."""
    quote, meta = connection.ops.quote_name, Submission._meta
    column = {name: quote(_field(name).column) for name in ("id", "version", "updated_at", "status", *fields)}
    sets = "".join(f", {column[name]} = %s" for name in fields)
    statuses = ", ".join(["%s"] * len(EDITABLE_STATUSES))
    return (
        f"UPDATE {quote(meta.db_table)} SET {column['version']} = {column['version']} + 1,"
        f" {column['updated_at']} = %s{sets}"
        f" WHERE {column['id']} = %s AND {column['version']} = %s AND {column['status']} IN ({statuses})"
    )


def _save(submission: Submission, *, expected_version: int, **changes: Any) -> None:
    """Write ``changes`` only if nobody saved the draft since ``expected_version`` was read. One
    statement: a transaction of its own."""
    if submission.status not in EDITABLE_STATUSES:
        raise NotEditable("待审核期间不能修改；如需修改，请先撤回")
    now = timezone.now()
    names = tuple(sorted(changes))
    params = [_field("updated_at").get_db_prep_save(now, connection)]
    for name in names:
        value = changes[name]
        # A relation is written as its key (the notice read).
        value = value.pk if isinstance(value, Model) else value
        params.append(_field(name).get_db_prep_save(value, connection))
    params += [submission.pk, expected_version, *(status.value for status in EDITABLE_STATUSES)]
    with connection.cursor() as cursor:
        cursor.execute(_versioned_update_sql(names), params)
        updated = cursor.rowcount
    if not updated:
        raise DraftConflict()
    for field, value in changes.items():
        setattr(submission, field, value)
    submission.updated_at = now
    submission.version = expected_version + 1


@transaction.atomic
def accept_notice(submission: Submission, *, notice: Notice, expected_version: int) -> None:
    _save(submission, expected_version=expected_version, notice=notice)


def save_section(
    submission: Submission, *, section: str, data: dict[str, Any], expected_version: int
) -> None:
    """Keep what was typed in a section (valid or not: the task list says which). One UPDATE, which is
    a transaction of its own: no BEGIN and COMMIT around it (two round trips on every wizard save)."""
    answers = dict(submission.answers)
    kept = {key: value for key, value in answers.get(section, {}).items() if key.startswith("_")}
    answers[section] = {**_without_nul(data), **kept}
    _unflag(answers, section)
    _save(submission, expected_version=expected_version, answers=answers)


def _without_nul(value: Any) -> Any:
    """What was typed, minus NUL: PostgreSQL's JSON cannot hold it, and the page's form still refuses the
    posted value with its own message (the draft keeps everything else)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def _unflag(answers: dict[str, Any], section: str) -> None:
    """Once the person has changed a section a reviewer flagged, it no longer shows 需修改."""
    if section in answers.get("_flagged_sections", []):
        answers["_flagged_sections"] = [key for key in answers["_flagged_sections"] if key != section]


@transaction.atomic
def record_verified_mobile(submission: Submission, *, mobile: str, expected_version: int) -> None:
    answers = dict(submission.answers)
    personal = dict(answers.get("personal", {}))
    personal["_verified_mobiles"] = sorted({*personal.get("_verified_mobiles", []), mobile})
    personal["mobile"] = mobile
    answers["personal"] = personal
    _save(submission, expected_version=expected_version, answers=answers)
