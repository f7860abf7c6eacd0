"""Plausibility checks on a draft's answers: things that are possible but usually a typing mistake.

They are warnings, not errors: the check page (核对信息) shows them and the applicant confirms
"以上信息无误，确认提交" to submit anyway. One function, so every place that shows them agrees.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from .constants import Degree, EducationLevel

MIN_WORKING_AGE = 16
CONFIRMATION_LABEL = "以上信息无误，确认提交"
CONFIRMATION_REQUIRED = "请核对上面的提示；信息无误的，请勾选“以上信息无误，确认提交”"

# How far an education level or a degree goes: a degree above the level is unusual.
# Keyed by the stored strings (an enum member hashes by its name, so it would not find "master").
_LEVEL_RANK = {
    EducationLevel.DOCTORATE.value: 4,
    EducationLevel.MASTER.value: 3,
    EducationLevel.BACHELOR.value: 2,
}
_DEGREE_RANK = {
    Degree.DOCTORATE.value: 4,
    Degree.MASTER.value: 3,
    Degree.BACHELOR.value: 2,
    Degree.NONE.value: 0,
}


def _date(value: Any) -> datetime.date | None:
    """A date from an answer ("1990-03-14", "2015-07" as its first day, or a date); None if unreadable."""
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        return None
    try:
        if len(value) == 7:
            return datetime.date.fromisoformat(f"{value}-01")
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def plausibility_warnings(answers: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Warnings for ``answers`` (section → answers, as ``services.validated_answers`` gives them)."""
    personal = answers.get("personal", {})
    education = answers.get("education", {})
    employer = answers.get("employer", {})
    warnings: list[str] = []
    birth = _date(personal.get("birth_date"))

    graduations = [("全日制学历", education.get("graduated_on"))] + [
        ("非全日制学历", entry.get("graduated_on")) for entry in education.get("part_time", []) or []
    ]
    if birth is not None:
        for label, value in graduations:
            graduated = _date(value)
            if graduated is not None and graduated <= birth:
                warnings.append(
                    f"{label}的毕业日期（{value}）早于出生日期（{personal.get('birth_date')}），请核对"
                )
        started = _date(employer.get("started_accounting_on"))
        if started is not None and started < _years_after(birth, MIN_WORKING_AGE).replace(day=1):
            warnings.append(
                f"从事会计工作年月（{employer.get('started_accounting_on')}）时未满 {MIN_WORKING_AGE} 周岁，请核对"
            )

    level, degree = education.get("level"), education.get("degree")
    if (
        degree in _DEGREE_RANK
        and level in EducationLevel.values
        and _DEGREE_RANK[degree] > _LEVEL_RANK.get(level, 1)
    ):
        warnings.append(
            f"学位“{Degree(degree).label}”与全日制学历“{EducationLevel(level).label}”通常不对应，请核对"
        )
    return warnings
