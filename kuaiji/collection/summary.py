"""What a record's answers show, section by section, and how two versions differ — defined once.

The review page, the staff API, the archive record and compare pages and the printed form all read
their rows here, so they cannot disagree about which rows exist or what counts as changed.

Rows that repeat (several 工作经历 or 非全日制学历 entries) are matched by their position among the rows
with the same label in the same section: the second 工作经历 is compared with the second old one, never
with whichever old entry happens to be last.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .sections import SECTION_FORMS


class Row(NamedTuple):
    label: str
    value: str


class RowDifference(NamedTuple):
    """One row of a comparison; ``before`` / ``after`` is None where the row exists on one side only."""

    label: str
    before: str | None
    after: str | None
    changed: bool


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class SectionDifference:
    key: str
    title: str
    rows: list[RowDifference] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(row.changed for row in self.rows)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def section_rows(answers: Mapping[str, Any]) -> list[Section]:
    """Every section in wizard order, each with its labelled rows; a section missing from the answers
    has no rows (a draft not yet filled)."""
    return [
        Section(
            key=key,
            title=str(form.title),
            rows=[Row(str(label), _text(value)) for label, value in form.rows(answers[key])]
            if key in answers
            else [],
        )
        for key, form in SECTION_FORMS.items()
    ]


def _keyed(rows: list[Row]) -> list[tuple[tuple[str, int], str]]:
    """Each row keyed by (label, how many rows with that label came before it)."""
    seen: dict[str, int] = {}
    keyed = []
    for label, value in rows:
        index = seen.get(label, 0)
        seen[label] = index + 1
        keyed.append(((label, index), value))
    return keyed


def _section_difference(before: Section, after: Section) -> SectionDifference:
    old = dict(_keyed(before.rows))
    new_keys = _keyed(after.rows)
    rows = [
        RowDifference(label, old.get((label, index)), value, old.get((label, index)) != value)
        for (label, index), value in new_keys
    ]
    present = {key for key, _ in new_keys}
    # A row only in the old version (an entry removed) goes after the last row with its label.
    for (label, index), value in _keyed(before.rows):
        if (label, index) in present:
            continue
        position = max((i + 1 for i, row in enumerate(rows) if row.label == label), default=len(rows))
        rows.insert(position, RowDifference(label, value, None, True))
    return SectionDifference(key=after.key, title=after.title, rows=rows)


def difference(before: list[Section], after: list[Section]) -> list[SectionDifference]:
    """Section by section, each row of ``after`` with the matching row of ``before``."""
    old = {section.key: section for section in before}
    return [
        _section_difference(old.get(section.key, Section(section.key, section.title, [])), section)
        for section in after
    ]


def answers_difference(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[SectionDifference]:
    """``difference`` of two sets of answers (an approved version and what replaced it)."""
    return difference(section_rows(before), section_rows(after))
