"""Load the administrative divisions (GB/T 2260) from the table python-stdnum maintains.

The source is ``stdnum/cn/loc.dat`` read through ``stdnum.numdb``: two-digit province prefixes with
four-digit children, each carrying ``county="[1985-]名称"``-style histories. Nothing here is typed in by
hand, so refreshing the table after upgrading python-stdnum is ``manage.py load_divisions``.

``load_divisions`` is used both by the data migration (with the historical models, via ``apps``) and by
the management command, so it may only use fields that exist as of migration ``0003_load_divisions``.
"""

import re
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

import stdnum
from stdnum import numdb

from .constants import DivisionLevel

SOURCE_NAME = "python-stdnum cn/loc.dat"

# Statistical placeholders (统计用代码): they group real divisions but are not places anyone lives in.
PLACEHOLDER_NAMES = frozenset(
    {
        "市辖区",
        "县",
        "省直辖行政单位",
        "省直辖县级行政单位",
        "自治区直辖县级行政单位",
        "省直辖县级行政区划",
        "自治区直辖县级行政区划",
    }
)

_NAME_RE = re.compile(r"^(?:\[(?P<start>\d{4})?-(?P<end>\d{4})?\])?(?P<name>.+)$")
_FAR_FUTURE = 9999


@dataclass(frozen=True)
class DivisionRecord:
    """One code of the source with its history folded into a single row."""

    code: str
    name: str
    level: str
    parent_code: str | None
    valid_from: int | None
    valid_until: int | None
    is_placeholder: bool


@dataclass(frozen=True)
class _Name:
    name: str
    start: int | None
    end: int | None


def _parse_names(value: str) -> list[_Name]:
    """``"[-1984]大通县,[1985-]大通回族土族自治县"`` → the names with their years (None = open)."""
    names = []
    for part in value.split(","):
        match = _NAME_RE.match(part.strip())
        if match is None:  # pragma: no cover - the source format is fixed
            raise ValueError(f"unexpected division name {part!r}")
        start, end = match["start"], match["end"]
        names.append(_Name(match["name"], int(start) if start else None, int(end) if end else None))
    return names


def _level(code: str) -> str:
    if code.endswith("0000"):
        return DivisionLevel.PROVINCE
    if code.endswith("00"):
        return DivisionLevel.PREFECTURE
    return DivisionLevel.COUNTY


def _fold(code: str, names: list[_Name]) -> tuple[str, int | None, int | None]:
    """The current name and the span the code was in force.

    The current name is the one that ends last (an open end counts as latest). The code starts with its
    earliest name (None when that start is open, i.e. the code was in the first edition) and ends only
    when every name has ended.
    """
    current = max(names, key=lambda n: (n.end or _FAR_FUTURE, n.start or 0))
    starts = [n.start for n in names]
    valid_from = None if None in starts else min(s for s in starts if s is not None)
    ends = [n.end for n in names]
    valid_until = None if None in ends else max(e for e in ends if e is not None)
    return current.name, valid_from, valid_until


def read_divisions() -> list[DivisionRecord]:
    """Every code of the installed python-stdnum table, sorted so that parents come before children."""
    db = numdb.get("cn/loc")
    raw: dict[str, list[_Name]] = {}
    for _length, low, high, props, children in db.prefixes:
        for province in range(int(low), int(high) + 1):
            prefix = f"{province:02d}"
            if "province" in props:
                # Fallback only: every province also has an XX0000 entry with its dated names.
                raw[f"{prefix}0000"] = _parse_names(props["province"])
            for _clen, clow, chigh, cprops, _grandchildren in children:
                for suffix in range(int(clow), int(chigh) + 1):
                    if "county" in cprops:
                        raw[f"{prefix}{suffix:04d}"] = _parse_names(cprops["county"])

    records = []
    for code in sorted(raw):
        name, valid_from, valid_until = _fold(code, raw[code])
        level = _level(code)
        parent_code: str | None = None
        if level == DivisionLevel.PREFECTURE:
            parent_code = f"{code[:2]}0000"
        elif level == DivisionLevel.COUNTY:
            prefecture = f"{code[:4]}00"
            parent_code = prefecture if prefecture in raw else f"{code[:2]}0000"
        records.append(
            DivisionRecord(
                code=code,
                name=name,
                level=level,
                parent_code=parent_code,
                valid_from=valid_from,
                valid_until=valid_until,
                is_placeholder=name in PLACEHOLDER_NAMES,
            )
        )
    return records


_FIELDS = ("name", "level", "parent", "valid_from", "valid_until", "is_placeholder")


def load_divisions(*, apps: Apps | None = None, using: str = DEFAULT_DB_ALIAS) -> int:
    """Create or update every division of the installed python-stdnum table; returns how many codes.

    Idempotent: new codes are bulk-created, changed ones bulk-updated, unchanged ones left alone. Codes
    that disappear from the source are kept (records point at them). Each call records a
    ``DivisionSource`` row. Pass ``apps`` from a data migration to use the historical models.
    """
    registry = apps or global_apps
    division_model = registry.get_model("regions", "Division")
    source_model = registry.get_model("regions", "DivisionSource")
    records = read_divisions()

    with transaction.atomic(using=using):
        existing = {d.code: d for d in division_model.objects.using(using).all()}
        to_create = []
        to_update = []
        for record in records:
            values = {
                "name": record.name,
                "level": record.level,
                "parent_id": record.parent_code,
                "valid_from": record.valid_from,
                "valid_until": record.valid_until,
                "is_placeholder": record.is_placeholder,
            }
            division = existing.get(record.code)
            if division is None:
                to_create.append(division_model(code=record.code, **values))
            elif any(getattr(division, field) != value for field, value in values.items()):
                for field, value in values.items():
                    setattr(division, field, value)
                to_update.append(division)
        # Sorted by code, so each parent is inserted before its children (XX0000 < XXYY00 < XXYYZZ).
        division_model.objects.using(using).bulk_create(to_create, batch_size=1000)
        division_model.objects.using(using).bulk_update(to_update, _FIELDS, batch_size=1000)
        source_model.objects.using(using).create(
            source_name=SOURCE_NAME,
            version=stdnum.__version__,
            loaded_at=timezone.now(),
            division_count=len(records),
        )
    return len(records)
