"""One line of an old register, checked on its own: the project's validators (the same functions as
registration), plus what spreadsheets do to numbers and what clerks type.

Normalised, not refused: full-width digits and letters, stray and inner spaces, a lower-case x, a
document type written as its label or a common short form. Refused, with a Chinese reason naming the
column: a number Excel stored as a number (``6.30102E+17``, or 15 significant digits and then zeros), a
bad check digit or birth date, a 性别 that contradicts the number, a formula or anything that is not a
name. A bad phone is dropped with a note; the person is still imported. Checks against the rest of the
file and the database are the batch's (``services.check_batch``).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from kuaiji.core.constants import DocumentType, Sex
from kuaiji.core.validators import (
    MIDDLE_DOTS,
    clean_document_number,
    clean_mobile,
    clean_person_name,
    document_facts,
    has_control_characters,
    normalise_document_number,
)

from .constants import RowOutcome
from .mapping import FIELDS_BY_NAME

EXCEL_NUMBER = (
    "证件号码被 Excel 当成了数字，后几位已经丢失（{shown}）。请把这一列设为“文本”格式，重新填写号码后再导入"
)
_SCIENTIFIC = re.compile(r"\d(\.\d+)?[eE]\+?\d+")
_FORMULA_START = ("=", "+", "@")
DOCUMENT_TYPE_NAMES = {
    **{str(label): value for value, label in DocumentType.choices},
    **{value: value for value in DocumentType.values},
    "身份证": DocumentType.RESIDENT_ID,
    "二代身份证": DocumentType.RESIDENT_ID,
    "居民身份证号码": DocumentType.RESIDENT_ID,
    "港澳台居住证": DocumentType.HMT_RESIDENCE_PERMIT,
    "港澳居民居住证": DocumentType.HMT_RESIDENCE_PERMIT,
    "台湾居民居住证": DocumentType.HMT_RESIDENCE_PERMIT,
    "外国人永久居留证": DocumentType.FOREIGN_PERMANENT_RESIDENT,
    "永久居留身份证": DocumentType.FOREIGN_PERMANENT_RESIDENT,
}
SEX_NAMES = {
    "男": Sex.MALE, "男性": Sex.MALE, "M": Sex.MALE, "MALE": Sex.MALE,
    "女": Sex.FEMALE, "女性": Sex.FEMALE, "F": Sex.FEMALE, "FEMALE": Sex.FEMALE,
}  # fmt: skip
TEXT_LIMITS = {"certificate_number": 64, "employer_name": 100, "issuing_region": 100}


@dataclass
class RowCheck:
    outcome: str
    values: dict[str, str] = field(default_factory=dict)
    reason: str = ""
    reason_code: str = ""  # a key of constants.REASON_LABELS
    column: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str] | None:
        """(document type, number): what the file and the database are checked against."""
        if "document_number" not in self.values:
            return None
        return self.values["document_type"], self.values["document_number"]


class _Refused(Exception):
    def __init__(self, field_name: str, reason: str, code: str = ""):
        self.field_name, self.reason, self.code = field_name, reason, code or field_name


def cell_text(cell: Any) -> str:
    """A cell as text: a whole number without ".0", a date as YYYY-MM-DD, anything else as written."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, date):
        return cell.isoformat()[:10]
    return str(cell).strip()


def check_row(cells: list[Any], *, mapping: dict[str, int], headers: list[str], today: date) -> RowCheck:
    """The outcome of one line: VALID with its normalised values (and notes), or REFUSED with the reason
    and the column it is about."""
    try:
        values, notes = _values(cells, mapping=mapping, today=today)
    except _Refused as refused:
        index = mapping.get(refused.field_name)
        column = headers[index] if index is not None and index < len(headers) else ""
        return RowCheck(
            RowOutcome.REFUSED,
            reason=refused.reason,
            reason_code=refused.code,
            column=column or _label(refused.field_name),
        )
    return RowCheck(
        RowOutcome.VALID, values=values, notes=notes, reason_code="mobile_dropped" if notes else ""
    )


def _label(field_name: str) -> str:
    return FIELDS_BY_NAME[field_name].label


def _cell(cells: list[Any], mapping: dict[str, int], field_name: str) -> Any:
    index = mapping.get(field_name)
    return cells[index] if index is not None and index < len(cells) else None


def _values(cells: list[Any], *, mapping: dict[str, int], today: date) -> tuple[dict[str, str], list[str]]:
    notes: list[str] = []
    for index in mapping.values():
        if index < len(cells) and isinstance(cells[index], str) and has_control_characters(cells[index]):
            raise _Refused(
                _field_at(mapping, index), "含有控制字符或不可见字符，请删去后再导入", "control_characters"
            )
    document_type = _document_type(_cell(cells, mapping, "document_type"))
    number = _document_number(_cell(cells, mapping, "document_number"), document_type, today=today)
    values = {
        "full_name": _full_name(_cell(cells, mapping, "full_name")),
        "document_type": document_type,
        "document_number": number,
    }
    sex = _sex(_cell(cells, mapping, "sex"), document_type=document_type, number=number)
    if sex:
        values["sex"] = sex
    for name, limit in TEXT_LIMITS.items():
        text = " ".join(cell_text(_cell(cells, mapping, name)).split())
        if len(text) > limit:
            raise _Refused(name, f"{_label(name)}不能超过 {limit} 个字")
        if text:
            values[name] = text
    raw_mobile = cell_text(_cell(cells, mapping, "mobile"))
    if raw_mobile:
        try:
            values["mobile"] = clean_mobile(raw_mobile)
        except ValidationError:
            notes.append(f"联系电话“{raw_mobile[:20]}”不是有效的手机号码，已忽略")
    return values, notes


def _field_at(mapping: dict[str, int], index: int) -> str:
    return next(name for name, column in mapping.items() if column == index)


def _document_type(cell: Any) -> str:
    text = "".join(cell_text(cell).split())
    if not text:
        return DocumentType.RESIDENT_ID
    found = DOCUMENT_TYPE_NAMES.get(text) or DOCUMENT_TYPE_NAMES.get(text.lower())
    if found is None:
        labels = "、".join(str(label) for _, label in DocumentType.choices)
        raise _Refused("document_type", f"证件类型“{text[:20]}”无法识别，应为 {labels} 之一")
    return str(found)


def _document_number(cell: Any, document_type: str, *, today: date) -> str:
    if isinstance(cell, float | int) and not isinstance(cell, bool):
        # Excel keeps 15 significant digits of a number: an 18-digit ID number stored as one has lost
        # its last digits; a float with a fraction was never a number of ours.
        digits = str(int(cell)) if float(cell).is_integer() else ""
        if not digits or len(digits) > 15:
            raise _Refused("document_number", EXCEL_NUMBER.format(shown=_shown(cell)), "excel_number")
        raw = digits
    else:
        raw = cell_text(cell)
    if _SCIENTIFIC.fullmatch(raw.replace(" ", "")):
        raise _Refused("document_number", EXCEL_NUMBER.format(shown=raw), "excel_number")
    number = normalise_document_number(raw)
    try:
        return clean_document_number(document_type, number, today=today)
    except ValidationError as error:
        reason = "；".join(error.messages)
        if number.endswith("000") and len(number) == 18 and number[:15].isdigit():
            reason += "（后几位是 0：像是被 Excel 当成数字后截断了，请核对原始号码）"
        raise _Refused("document_number", reason) from None


def _shown(value: float | int) -> str:
    return f"{value:.5E}" if abs(value) >= 1e15 else str(value)  # as Excel shows it: 6.30102E+17


def _full_name(cell: Any) -> str:
    text = cell_text(cell)
    if text and all(char.isspace() or ord(char) >= 0x2E80 or char in MIDDLE_DOTS for char in text):
        # Registers pad two-character names to line up (王  芳): spaces in a Chinese name are padding.
        text = "".join(text.split())
    if text.startswith(_FORMULA_START):
        raise _Refused("full_name", "姓名一列是公式或表达式，不是姓名；请填写姓名本身")
    try:
        return clean_person_name(text)
    except ValidationError as error:
        raise _Refused("full_name", "；".join(error.messages)) from None


def _sex(cell: Any, *, document_type: str, number: str) -> str:
    text = "".join(cell_text(cell).split()).upper()
    if not text:
        return ""
    sex = SEX_NAMES.get(text)
    if sex is None:
        raise _Refused("sex", f"性别“{text[:10]}”无法识别，应为男或女")
    facts = document_facts(document_type, number)
    if facts is not None and facts.sex != sex:
        raise _Refused(
            "sex", f"性别（{Sex(sex).label}）与证件号码（第 17 位表示{Sex(facts.sex).label}）不符，请核对"
        )
    return str(sex)
