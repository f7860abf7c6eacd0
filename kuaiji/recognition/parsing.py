"""From the lines the engine read to the fields of a resident ID card's front (居民身份证人像面).

The engine returns lines in no particular order, each with its box; a photo is turned by up to 10°, so
lines are first put back level (the median angle of their boxes), gathered into rows and read left to
right. A label and its value come as one line (``姓名张三``, ``性别女``) or as two boxes on one row; both
become one row's text. Traditional forms printed on some cards (漢, 號碼, 別) are read as simplified.
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from kuaiji.core.constants import ETHNICITIES
from kuaiji.core.validators import MIDDLE_DOTS, gb11643_check_digit

from .engine import TextLine

TRADITIONAL_TO_SIMPLIFIED = str.maketrans(
    {"漢": "汉", "號": "号", "碼": "码", "別": "别", "華": "华", "縣": "县"}
)
_NUMBER_RE = re.compile(r"[0-9]{17}[0-9X]")
_BIRTH_RE = re.compile(r"([12][0-9]{3})年([0-9]{1,2})月([0-9]{1,2})日?")
_BIRTH_DIGITS_RE = re.compile(r"([12][0-9]{3})[^0-9]{1,3}([0-9]{1,2})[^0-9]{1,3}([0-9]{1,2})")
# Labels as the engine may read them: the two characters together or with a lookalike for one of them.
_NAME_LABEL_RE = re.compile(r"^(姓名|姓|名)")
_SEX_LABEL_RE = re.compile(r"^(性别|性|别)")
_ETHNICITY_LABEL_RE = re.compile(r"(民族|民|族)")
_ADDRESS_LABEL_RE = re.compile(r"^(住址|住|址)")
# The groups a card can print (GB/T 3304, as the card prints them: without 族), and the misreads of the
# engine seen on one-character names, where nearness cannot choose.
ETHNIC_GROUPS = tuple(label.removesuffix("族") for code, label in ETHNICITIES if int(code) <= 56)
_ETHNIC_LOOKALIKES = {"士": "土", "汊": "汉", "汗": "汉", "口": "回"}
_NUMBER_LABEL_RE = re.compile(r"公民身份号码|公民身份|身份号码|号码")


@dataclass(frozen=True)
class CardFields:
    """What was read from the card; an empty string (or None) for what could not be found."""

    name: str = ""
    sex: str = ""
    ethnicity: str = ""
    birth_date: date | None = None
    address: str = ""
    number: str = ""

    @property
    def number_valid(self) -> bool:
        """Whether the number read has the right shape and check digit."""
        return bool(_NUMBER_RE.fullmatch(self.number)) and gb11643_check_digit(self.number) == self.number[17]

    @property
    def empty(self) -> bool:
        return not (self.name or self.number)


def normalise_text(text: str) -> str:
    """A line as the parser compares it: NFKC, simplified forms of the traditional ones, no spaces, one
    middle dot (U+00B7), a final x or × of a number as X."""
    text = unicodedata.normalize("NFKC", text).translate(TRADITIONAL_TO_SIMPLIFIED)
    text = "".join("·" if char in MIDDLE_DOTS else char for char in text)
    return re.sub(r"\s+", "", text).replace("×", "X").replace("x", "X")


def parse_card(lines: Sequence[TextLine]) -> CardFields:
    """The card's fields from the engine's lines (any order, any angle up to a quarter turn)."""
    parts = _row_parts(lines)
    rows = ["".join(row) for row in parts]
    if not rows:
        return CardFields()
    number = _number(rows)
    name_row = _find(rows, _NAME_LABEL_RE)
    sex_row = _find(rows, _SEX_LABEL_RE)
    address_row = _find(rows, _ADDRESS_LABEL_RE)
    number_row = next(
        (i for i, row in enumerate(rows) if _NUMBER_RE.search(row) or _NUMBER_LABEL_RE.search(row)), None
    )
    return CardFields(
        name=_name(rows, name_row, parts),
        sex=_sex(rows, sex_row),
        ethnicity=_ethnicity(rows, sex_row),
        birth_date=_birth_date(rows, number),
        address=_address(rows, address_row, number_row, parts),
        number=number,
    )


# --- rows -------------------------------------------------------------------------------------------------


def _row_parts(lines: Sequence[TextLine]) -> list[list[str]]:
    """The lines put level and gathered into rows, each row's texts read left to right."""
    placed = []
    angles = []
    heights = []
    for line in lines:
        text = normalise_text(line.text)
        if not text or len(line.box) < 4:
            continue
        (x0, y0), (x1, y1), _br, (x3, y3) = line.box[:4]
        if math.hypot(x1 - x0, y1 - y0) > 1:
            angles.append(math.atan2(y1 - y0, x1 - x0))
        heights.append(math.hypot(x3 - x0, y3 - y0))
        centre_x = sum(x for x, _y in line.box[:4]) / 4
        centre_y = sum(y for _x, y in line.box[:4]) / 4
        placed.append((centre_x, centre_y, text))
    if not placed:
        return []
    angle = statistics.median(angles) if angles else 0.0
    cos, sin = math.cos(-angle), math.sin(-angle)
    level = sorted(
        ((x * cos - y * sin, x * sin + y * cos, text) for x, y, text in placed), key=lambda p: p[1]
    )
    tolerance = 0.5 * (statistics.median(heights) if heights else 20.0)
    rows: list[list[tuple[float, float, str]]] = []
    for point in level:
        if rows and abs(point[1] - statistics.fmean(p[1] for p in rows[-1])) <= tolerance:
            rows[-1].append(point)
        else:
            rows.append([point])
    return [[text for _x, _y, text in sorted(row)] for row in rows]


def _find(rows: list[str], label: re.Pattern[str]) -> int | None:
    # The two-character label first, then a row starting with one of its characters.
    for index, row in enumerate(rows):
        if label.match(row) and len(label.match(row).group(0)) == 2:  # type: ignore[union-attr]
            return index
    for index, row in enumerate(rows):
        if label.match(row):
            return index
    return None


def _after_label(row: str, label: re.Pattern[str]) -> str:
    match = label.match(row)
    return row[match.end() :] if match else row


# --- fields -----------------------------------------------------------------------------------------------


def _number(rows: list[str]) -> str:
    found = [match.group(0) for row in rows for match in _NUMBER_RE.finditer(row)]
    valid = [number for number in found if gb11643_check_digit(number) == number[17]]
    return (valid or found or [""])[0]


def _name(rows: list[str], index: int | None, parts: list[list[str]]) -> str:
    if index is None:
        return ""
    value = _value_after_label(parts[index], _NAME_LABEL_RE)
    if not value and index + 1 < len(rows) and not _SEX_LABEL_RE.match(rows[index + 1]):
        value = rows[index + 1]
    return "".join(char for char in value if _is_name_char(char))


def _value_after_label(row: list[str], label: re.Pattern[str]) -> str:
    """What follows the label on its row. A value is printed apart from its label: when the engine read it
    as a text of its own, one character it put after the label in the label's text is a speck read as a
    character (姓名文 | 刘秀, 住址青 | 青海省…), and is dropped."""
    match = label.match(row[0])
    if match and len(match.group(0)) == 2 and len(row) > 1 and len(row[0]) - match.end() <= 1:
        return "".join(row[1:])
    return _after_label("".join(row), label)


def _is_name_char(char: str) -> bool:
    return char == "·" or unicodedata.category(char) == "Lo" or char.isalpha()


def _sex(rows: list[str], index: int | None) -> str:
    candidates = [rows[index]] if index is not None else rows
    for row in candidates:
        match = re.search(r"[男女]", _after_label(row, _SEX_LABEL_RE))
        if match:
            return match.group(0)
    return ""


def _ethnicity(rows: list[str], sex_row: int | None) -> str:
    # The whole label on any row; one of its characters (a misread of the other) only after 男/女 on the
    # sex row, so a name with 民 in it is never taken for an ethnic group.
    loose = [re.search(r"[男女](?:民|族)(.+)$", rows[sex_row])] if sex_row is not None else []
    for match in [*(re.search(r"民族(.+)$", row) for row in rows), *loose]:
        if match:
            value = re.sub(r"族$", "", "".join(char for char in match.group(1) if _is_name_char(char)))
            if value:
                return _known_group(value)
    return ""


def _known_group(value: str) -> str:
    """The ethnic group meant: the value itself when it is one, a known misread of one, or the only group
    of the same length differing in one character; otherwise the value as read."""
    if value in ETHNIC_GROUPS:
        return value
    if value in _ETHNIC_LOOKALIKES:
        return _ETHNIC_LOOKALIKES[value]
    near = [
        group
        for group in ETHNIC_GROUPS
        if len(group) == len(value) > 1 and sum(a != b for a, b in zip(group, value, strict=True)) == 1
    ]
    return near[0] if len(near) == 1 else value


def _birth_date(rows: list[str], number: str) -> date | None:
    birth_rows = [row for row in rows if "出生" in row or "年" in row]
    for pattern in (_BIRTH_RE, _BIRTH_DIGITS_RE):
        for row in birth_rows or rows:
            if _NUMBER_RE.search(row):
                continue
            match = pattern.search(row)
            if match:
                try:
                    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
                except ValueError:
                    continue
    return None


def _address(rows: list[str], start: int | None, end: int | None, parts: list[list[str]]) -> str:
    if start is None:
        return ""
    stop = end if end is not None and end > start else min(len(rows), start + 4)
    return "".join([_value_after_label(parts[start], _ADDRESS_LABEL_RE), *rows[start + 1 : stop]])
