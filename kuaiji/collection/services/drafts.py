"""Saving a draft: the notice, a section, the verified mobile (each against the version the page showed)."""

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..constants import EDITABLE_STATUSES
from ..models import Notice, Submission
from .errors import DraftConflict, NotEditable


def _save(submission: Submission, *, expected_version: int, **changes: Any) -> None:
    """Write ``changes`` only if nobody saved the draft since ``expected_version`` was read."""
    if submission.status not in EDITABLE_STATUSES:
        raise NotEditable("待审核期间不能修改；如需修改，请先撤回")
    updated = Submission.objects.filter(
        pk=submission.pk, version=expected_version, status__in=EDITABLE_STATUSES
    ).update(version=F("version") + 1, updated_at=timezone.now(), **changes)
    if not updated:
        raise DraftConflict()
    for field, value in changes.items():
        setattr(submission, field, value)
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
