"""Which column of an old register holds which field: headers matched by the names real registers use.

Clerks name columns as they please (身份证号 / 证件号码 / 公民身份号码 …), add notes in brackets (证件号码（18位）)
and stars for required columns. :func:`guess_mapping` matches each header, normalised, against each field's
synonyms; the operator confirms or corrects the result in the page (or with ``--map`` on the command).
Columns left unmapped are kept with each row, never thrown away.
"""

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str
    synonyms: tuple[str, ...]
    required: bool = False


FIELDS: tuple[ImportField, ...] = (
    ImportField("full_name", "姓名", ("姓名", "名字", "人员姓名", "持证人姓名", "持证人"), required=True),
    ImportField("document_type", "证件类型", ("证件类型", "证件种类", "证件名称")),
    ImportField(
        "document_number",
        "证件号码",
        ("证件号码", "身份证号", "身份证号码", "公民身份号码", "身份证", "证件号", "身份证件号码"),
        required=True,
    ),
    ImportField(
        "certificate_number",
        "证书编号",
        ("会计从业资格证书编号", "证书编号", "证号", "从业资格证号", "证书号码", "会计证号", "证书号"),
    ),
    ImportField("issuing_region", "发证地区", ("发证地区", "发证机关", "发证单位", "发证部门")),
    ImportField("sex", "性别", ("性别",)),
    ImportField("mobile", "联系电话", ("联系电话", "手机号", "手机号码", "手机", "电话", "联系方式")),
    ImportField("employer_name", "工作单位", ("工作单位", "单位名称", "单位", "所在单位", "工作单位名称")),
)
FIELDS_BY_NAME = {field.name: field for field in FIELDS}
_BRACKETS = re.compile(r"[（(【\[].*?[)）】\]]")


def normalise_header(header: str) -> str:
    """A header as compared: NFKC, no brackets and what is in them, no spaces, stars or colons."""
    text = unicodedata.normalize("NFKC", str(header or ""))
    text = _BRACKETS.sub("", text)
    return "".join(char for char in text if not char.isspace() and char not in "*:：")


def headers_signature(headers: list[str]) -> str:
    """The same headers in the same order give the same signature: a file like one imported before
    reuses that import's confirmed mapping."""
    normalised = [normalise_header(header) for header in headers]
    return hashlib.sha256(json.dumps(normalised, ensure_ascii=False).encode()).hexdigest()


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """{field name: column index} for the headers that name a field; each column serves one field.
    An exact synonym wins over a header that only contains one (证件号码 over 证件号码类型)."""
    normalised = [normalise_header(header) for header in headers]
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    for exact in (True, False):
        for field in FIELDS:
            if field.name in mapping:
                continue
            for synonym in field.synonyms:
                found = next(
                    (
                        index
                        for index, header in enumerate(normalised)
                        if index not in taken
                        and header
                        and (header == synonym if exact else synonym in header and len(header) <= 12)
                    ),
                    None,
                )
                if found is not None:
                    mapping[field.name] = found
                    taken.add(found)
                    break
    return mapping


def check_mapping(mapping: dict[str, int], *, column_count: int) -> dict[str, int]:
    """The mapping the operator confirmed, checked: known fields, columns that exist, no column twice,
    and the required fields there. Raises ValidationError with a Chinese message."""
    clean: dict[str, int] = {}
    for name, index in mapping.items():
        if name not in FIELDS_BY_NAME:
            raise ValidationError(f"没有“{name}”这一字段", code="unknown_field")
        if not isinstance(index, int) or not 0 <= index < column_count:
            raise ValidationError(f"“{FIELDS_BY_NAME[name].label}”对应的列不存在", code="no_column")
        if index in clean.values():
            raise ValidationError("同一列不能对应两个字段", code="column_twice")
        clean[name] = index
    missing = [field.label for field in FIELDS if field.required and field.name not in clean]
    if missing:
        raise ValidationError(f"请指定“{'”“'.join(missing)}”所在的列", code="required_field")
    return clean
