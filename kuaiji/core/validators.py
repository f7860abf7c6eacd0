"""The one definition of what a valid identity number, name, mobile number and credit code is.

Forms, the API and imports call these functions; each ``clean_*`` returns the canonical stored form or
raises ``django.core.exceptions.ValidationError`` with a Simplified Chinese message that says how to fix the
input and a stable ``code`` (``required``, ``length``, ``format``, ``checksum``, ``birth_date``, ``region``,
``digits``, ``invalid_character``, ``separator``, ``max_length``, ``document_type``).

Sources relied on:

* GB 11643-1999 (公民身份号码): 6-digit address code, 8-digit birth date, 3-digit order code (odd = male),
  ISO 7064 MOD 11-2 check character. Check digit from ``stdnum.cn.ric.calc_check_digit``; the address
  table with its ``[start-end]`` years from python-stdnum's ``cn/loc`` database.
* 港澳台居民居住证: the same scheme with address codes 810000 (Hong Kong), 820000 (Macao), 830000 (Taiwan).
* 外国人永久居留身份证: the National Immigration Administration's 《新版外国人永久居留身份证机读信息规则
  (2023版)》 (mirrored at http://www.eastcoms.com/service/pro/840.html): the 2017 number is 15 characters,
  "3 位拉丁字母 + 12 位数字"; the 2023 number is 18 characters, "17 位数字 + 1 位校验位", first digit "9", last
  character "采用 MOD11-2 算法 … 与公民身份号码校验方式相同"; the letters of the nationality became digits.
  The field layout inside the numbers (2023: 9, 2-digit province of the issuing office, 3-digit ISO 3166-1
  numeric nationality, 8-digit birth date, 2-digit order, sex digit, check; 2017: 3-letter nationality,
  4-digit issuing place, YYMMDD birth date, 1 digit, check) comes from one third-party library only
  (github.com/howardli/CredentialKit, ForeignerPermanentResidenceIdNumberProcessor). Its 2017 check digit
  (ICAO 9303 7-3-1 weights) is not confirmed by any official text, so for 2017 numbers we check only the
  structure and a plausible birth date, never the last digit.
* GB 32100-2015 (统一社会信用代码): alphabet ``0-9A-HJ-NPQRTUWXY``, registration authority codes 1-9, A, N, Y,
  MOD 31 check character from ``stdnum.cn.uscc.calc_check_digit``.
"""

import re
import unicodedata
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from stdnum import numdb
from stdnum.cn import ric, uscc

from kuaiji.core.constants import DocumentType, Sex

HMT_ADDRESS_CODES = {"810000": "香港", "820000": "澳门", "830000": "台湾"}
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_AUTHORITIES = "123456789ANY"
EARLIEST_BIRTH_YEAR = 1900
PERSON_NAME_MAX_LENGTH = 50
MIDDLE_DOTS = frozenset("\u00b7\u30fb\u2022\u2027")  # · ・ • ‧ — kept exactly as typed

_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_PASSPORT_RE = re.compile(r"[A-Z0-9]{5,20}")
_FOREIGN_PR_2017_RE = re.compile(r"[A-Z]{3}[0-9]{12}")


class IdentityFacts(NamedTuple):
    birth_date: date
    sex: Sex


# --- identity documents ---------------------------------------------------------------------------------


def clean_document_number(document_type: str, raw: str, *, today: date | None = None) -> str:
    """Validate ``raw`` as a number of ``document_type`` and return its stored form (upper case, no spaces).

    ``today`` (default: today in the project's time zone) bounds the birth date encoded in the number.
    """
    number = _compact(raw)
    if not number:
        raise ValidationError(_("请输入证件号码"), code="required")
    today = today or timezone.localdate()
    if document_type == DocumentType.RESIDENT_ID:
        return _clean_resident_id(number, today=today)
    if document_type == DocumentType.HMT_RESIDENCE_PERMIT:
        return _clean_hmt_permit(number, today=today)
    if document_type == DocumentType.FOREIGN_PERMANENT_RESIDENT:
        return _clean_foreign_pr_id(number, today=today)
    if document_type == DocumentType.PASSPORT:
        return _clean_passport(number)
    raise ValidationError(_("请选择证件类型"), code="document_type")


def gb11643_check_digit(body: str) -> str:
    """The ISO 7064 MOD 11-2 check character ("0"-"9" or "X") for the first 17 digits of a GB 11643 number."""
    # stdnum's function expects the whole number and ignores its last character.
    return ric.calc_check_digit(body[:17] + "0")


def resident_id_facts(number: str) -> IdentityFacts:
    """Birth date and sex carried by a GB 11643-style number (resident ID, HMT permit, 2023 PR ID).

    The number should already be valid (see ``clean_document_number``); raises ``ValueError`` otherwise.
    """
    number = _compact(number)
    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit():
        raise ValueError("not an 18-character GB 11643-style number")
    birth_date = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    return IdentityFacts(birth_date=birth_date, sex=sex)


def document_facts(document_type: str, number: str) -> IdentityFacts | None:
    """Birth date and sex read from a valid document number, or None when the number does not carry them.

    Passports carry nothing; 2017-format permanent resident IDs carry a two-digit year only (the century is
    ambiguous and the layout unconfirmed), so they give None too.
    """
    number = _compact(number)
    if document_type in (DocumentType.RESIDENT_ID, DocumentType.HMT_RESIDENCE_PERMIT):
        return resident_id_facts(number)
    if document_type == DocumentType.FOREIGN_PERMANENT_RESIDENT and len(number) == 18:
        return resident_id_facts(number)
    return None


def normalise_document_number(raw: str) -> str:
    """A document number as stored: NFKC (full-width digits and letters typed with a Chinese input method
    become ASCII), no spaces, upper case (a final x becomes X). Every search and sign-in uses this."""
    return "".join(unicodedata.normalize("NFKC", raw or "").split()).upper()


_compact = normalise_document_number


def _clean_resident_id(number: str, *, today: date) -> str:
    label = _("身份证号码")
    _check_gb11643_shape(number, label=label)
    if number[:2] in ("81", "82", "83"):
        raise ValidationError(
            _("以 81、82、83 开头的是港澳台居民居住证号码，请将证件类型选为“港澳台居民居住证”"),
            code="region",
        )
    birth_date = _birth_date_from(number[6:14], label=label, today=today)
    _check_address_code(number[:6], birth_year=birth_date.year)
    _check_gb11643_check_digit(number, label=label)
    return number


def _clean_hmt_permit(number: str, *, today: date) -> str:
    label = _("居住证号码")
    _check_gb11643_shape(number, label=label)
    if number[:6] not in HMT_ADDRESS_CODES:
        raise ValidationError(
            _("港澳台居民居住证号码应以 810000（香港）、820000（澳门）或 830000（台湾）开头，请核对"),
            code="region",
        )
    _birth_date_from(number[6:14], label=label, today=today)
    _check_gb11643_check_digit(number, label=label)
    return number


def _clean_foreign_pr_id(number: str, *, today: date) -> str:
    label = _("永久居留身份证号码")
    if len(number) == 15:
        if not _FOREIGN_PR_2017_RE.fullmatch(number):
            raise ValidationError(
                _("15 位的永久居留身份证号码应为 3 位字母加 12 位数字，请核对"), code="format"
            )
        # 2017 format: only the structure and a plausible YYMMDD birth date; the check digit algorithm
        # could not be confirmed from an official source (see the module docstring).
        if not _plausible_short_birth_date(number[7:13], today=today):
            raise ValidationError(
                _("永久居留身份证号码第 8–13 位应为出生日期（年年月月日日），请核对"), code="birth_date"
            )
        return number
    if len(number) != 18:
        raise ValidationError(
            _("外国人永久居留身份证号码应为 15 位（2017 版）或 18 位（2023 版），请核对"), code="length"
        )
    _check_gb11643_shape(number, label=label)
    if number[0] != "9":
        raise ValidationError(_("18 位的外国人永久居留身份证号码以 9 开头，请核对"), code="format")
    if _province_name(number[1:3]) is None:
        raise ValidationError(_("永久居留身份证号码第 2–3 位（受理地省份代码）不正确，请核对"), code="region")
    _birth_date_from(number[6:14], label=label, today=today)
    _check_gb11643_check_digit(number, label=label)
    return number


def _clean_passport(number: str) -> str:
    if not number.isascii() or not number.isalnum():
        raise ValidationError(_("护照号码只能包含字母和数字，请核对"), code="format")
    if not _PASSPORT_RE.fullmatch(number):
        raise ValidationError(_("护照号码应为 5–20 位字母或数字，请核对"), code="length")
    return number


def _check_gb11643_shape(number: str, *, label: str) -> None:
    if len(number) != 18:
        raise ValidationError(
            _("%(label)s应为 18 位，当前为 %(count)s 位，请核对"),
            code="length",
            params={"label": label, "count": len(number)},
        )
    body = number[:17]
    if not (body.isascii() and body.isdigit()) or number[17] not in "0123456789X":
        raise ValidationError(
            _("%(label)s前 17 位应为数字，最后一位为数字或字母 X，请核对"),
            code="format",
            params={"label": label},
        )


def _check_gb11643_check_digit(number: str, *, label: str) -> None:
    if number[17] != gb11643_check_digit(number):
        raise ValidationError(
            _("%(label)s最后一位校验不正确，请核对"), code="checksum", params={"label": label}
        )


def _birth_date_from(digits: str, *, label: str, today: date) -> date:
    try:
        birth_date = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise ValidationError(
            _("%(label)s中的出生日期 %(digits)s 不是有效日期，请核对"),
            code="birth_date",
            params={"label": label, "digits": digits},
        ) from None
    if birth_date > today:
        raise ValidationError(
            _("出生日期不能晚于今天，请核对%(label)s"), code="birth_date", params={"label": label}
        )
    if birth_date.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(
            _("出生日期不能早于 1900 年，请核对%(label)s"), code="birth_date", params={"label": label}
        )
    return birth_date


def _plausible_short_birth_date(digits: str, *, today: date) -> bool:
    for century in (1900, 2000):
        try:
            candidate = date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
        except ValueError:
            continue
        if candidate <= today:
            return True
    return False


def _check_address_code(code: str, *, birth_year: int) -> None:
    if _province_name(code[:2]) is None:
        raise ValidationError(_("身份证号码前 2 位（省份代码）不正确，请核对"), code="region")
    periods = _address_code_periods(code)
    if not periods:
        raise ValidationError(_("身份证号码前 6 位（地址码）不是有效的行政区划代码，请核对"), code="region")
    # Valid when the code existed at any time from the birth year on: numbers were often assigned years
    # after birth (so a code that began later is fine), and a code abolished since stays on the card.
    if not any(end is None or end >= birth_year for _start, end in periods):
        raise ValidationError(_("身份证号码前 6 位（地址码）在出生年份之前已撤销，请核对"), code="region")


@lru_cache(maxsize=64)
def _province_name(code: str) -> str | None:
    parts = numdb.get("cn/loc").info(code + "0000")
    return parts[0][1].get("province")


@lru_cache(maxsize=4096)
def _address_code_periods(code: str) -> tuple[tuple[int | None, int | None], ...]:
    """The (start year, end year) spans during which ``code`` was in use; () when it never was."""
    info: dict[str, str] = {}
    for _part, props in numdb.get("cn/loc").info(code):
        info.update(props)
    if "county" not in info:
        return ()
    periods: list[tuple[int | None, int | None]] = []
    for entry in info["county"].split(","):
        if not entry.startswith("["):
            periods.append((None, None))
            continue
        start, end = entry[1:].split("]", 1)[0].split("-")
        periods.append((int(start) if start else None, int(end) if end else None))
    return tuple(periods)


# --- names ------------------------------------------------------------------------------------------------

_HAN_RANGES = (
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # Unified Ideographs
    (0xF900, 0xFAFF),  # Compatibility Ideographs
    (0x20000, 0x2A6DF),  # Extension B
    (0x2A700, 0x2EE5F),  # Extensions C, D, E, F, I
    (0x2F800, 0x2FA1F),  # Compatibility Ideographs Supplement
    (0x30000, 0x3347F),  # Extensions G, H, J
)
_LATIN_RANGES = ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x1E00, 0x1EFF))
_LATIN_JOINERS = frozenset("-'\u2019")  # hyphen, apostrophe, right single quotation mark


def has_control_characters(value: str) -> bool:
    """Whether ``value`` holds a control character other than tab and line breaks (NUL, ESC, DEL, C1…).

    No name, number, reason or search term contains one, and PostgreSQL refuses NUL in text; pages and
    the API refuse such input with this one rule.
    """
    return any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in value)


def clean_person_name(raw: str) -> str:
    """Validate a person's name and return it as stored.

    Chinese names (rare characters outside the BMP included) and minority names with a middle dot are
    kept exactly as typed; Latin names for foreigners may contain single spaces, hyphens and apostrophes.
    Leading and trailing whitespace is trimmed and runs of inner spaces become one.
    """
    if any(0xD800 <= ord(char) <= 0xDFFF for char in raw):
        raise ValidationError(_("姓名包含无法识别的字符，请重新输入"), code="invalid_character")
    # Inner runs of spaces (any Unicode space separator) become one ASCII space; control characters stay
    # so that they are refused below rather than silently turned into spaces.
    name = re.sub(" +", " ", "".join(" " if unicodedata.category(c) == "Zs" else c for c in raw.strip()))
    if not name:
        raise ValidationError(_("请输入姓名"), code="required")
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in name):
        raise ValidationError(_("姓名不能包含控制字符或不可见字符，请重新输入"), code="invalid_character")
    if any(char in '<>&"' for char in name):
        # Pasted markup (or an attempt at it) gets its own words rather than the list of allowed characters.
        raise ValidationError(_("姓名不能包含 < > & 等符号，请只填写姓名本身"), code="markup")
    if any(unicodedata.category(char).startswith("N") and char != "〇" for char in name):
        raise ValidationError(_("姓名不能包含数字"), code="digits")
    if len(name) > PERSON_NAME_MAX_LENGTH:
        raise ValidationError(
            _("姓名不能超过 %(limit)s 个字"), code="max_length", params={"limit": PERSON_NAME_MAX_LENGTH}
        )
    kinds = [_name_char_kind(char) for char in name]
    if "other" in kinds:
        raise ValidationError(
            _("姓名只能包含汉字、字母和间隔号“·”；外文姓名还可以包含空格、连字符和撇号"),
            code="invalid_character",
        )
    _check_name_separators(kinds)
    return name


def validate_person_name(value: str) -> None:
    """Django validator for a model or form field holding a person's name."""
    clean_person_name(value)


def _name_char_kind(char: str) -> str:
    code_point = ord(char)
    if char == "〇" or any(low <= code_point <= high for low, high in _HAN_RANGES):
        return "han"
    if any(low <= code_point <= high for low, high in _LATIN_RANGES) and char not in "×÷":
        return "latin"
    if 0x300 <= code_point <= 0x36F:
        return "mark"
    if char in MIDDLE_DOTS:
        return "dot"
    if char == " ":
        return "space"
    if char in _LATIN_JOINERS:
        return "joiner"
    return "other"


def _check_name_separators(kinds: list[str]) -> None:
    # A combining accent belongs to the Latin letter before it.
    if any(
        kind == "mark" and (index == 0 or kinds[index - 1] not in ("latin", "mark"))
        for index, kind in enumerate(kinds)
    ):
        raise ValidationError(
            _("姓名只能包含汉字、字母和间隔号“·”；外文姓名还可以包含空格、连字符和撇号"),
            code="invalid_character",
        )
    letters = ("han", "latin", "mark")
    if kinds[0] not in letters or kinds[-1] not in letters:
        raise ValidationError(_("姓名不能以间隔号、空格、连字符或撇号开头或结尾"), code="separator")
    for index, kind in enumerate(kinds):
        if kind in letters:
            continue
        if kinds[index + 1] not in ("han", "latin"):
            raise ValidationError(_("间隔号、空格、连字符和撇号不能连用"), code="separator")
        if kind == "dot":
            continue
        previous_letter = next(k for k in reversed(kinds[:index]) if k != "mark")
        if previous_letter != "latin" or kinds[index + 1] != "latin":
            if kind == "space":
                raise ValidationError(_("中文姓名中间不能有空格"), code="separator")
            raise ValidationError(_("连字符和撇号只能用于外文姓名"), code="separator")


# --- mobile numbers ---------------------------------------------------------------------------------------


def clean_mobile(raw: str) -> str:
    """Validate a mainland mobile number; spaces, hyphens and a leading +86 / 86 / 0086 are tolerated."""
    number = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw))
    for prefix in ("+86", "0086", "86"):
        if number.startswith(prefix) and len(number) == len(prefix) + 11:
            number = number[len(prefix) :]
            break
    if not number:
        raise ValidationError(_("请输入手机号码"), code="required")
    if not (len(number) == 11 and number.isascii() and number.isdigit()):
        raise ValidationError(_("手机号码应为 11 位数字，请核对"), code="invalid")
    if not _MOBILE_RE.fullmatch(number):
        # Eleven digits already: say what is wrong with them, not how many there should be.
        raise ValidationError(_("该号码不是手机号码，请核对（手机号码以 13～19 开头）"), code="invalid")
    return number


def validate_mobile(value: str) -> None:
    """Django validator for a model or form field holding a mainland mobile number."""
    clean_mobile(value)


# --- unified social credit codes --------------------------------------------------------------------------


def clean_credit_code(raw: str) -> str:
    """Validate a unified social credit code (GB 32100-2015) and return it in upper case.

    Unlike ``stdnum.cn.uscc.validate``, registration authority codes A, N and Y are accepted.
    """
    code = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw)).upper()
    if not code:
        raise ValidationError(_("请输入统一社会信用代码"), code="required")
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，当前为 %(count)s 位，请核对"),
            code="length",
            params={"count": len(code)},
        )
    if any(char not in CREDIT_CODE_ALPHABET for char in code):
        raise ValidationError(
            _("统一社会信用代码只能包含数字和大写字母（不含 I、O、S、V、Z），请核对"), code="format"
        )
    if code[0] not in CREDIT_CODE_AUTHORITIES:
        raise ValidationError(
            _("统一社会信用代码第 1 位（登记管理部门代码）应为 1–9、A、N 或 Y，请核对"), code="format"
        )
    if not code[1:8].isdigit():
        raise ValidationError(
            _("统一社会信用代码第 2–8 位（机构类别和登记管理机关行政区划码）应为数字，请核对"),
            code="format",
        )
    if code[17] != uscc.calc_check_digit(code):
        raise ValidationError(_("统一社会信用代码最后一位校验不正确，请核对"), code="checksum")
    return code


def validate_credit_code(value: str) -> None:
    """Django validator for a model or form field holding a unified social credit code."""
    clean_credit_code(value)


# --- masking for display ----------------------------------------------------------------------------------


def mask_document_number(number: str) -> str:
    """Hide the middle of a document number: ``630102********1234``; short numbers keep 2 + 2."""
    if len(number) >= 11:
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    if len(number) >= 5:
        return number[:2] + "*" * (len(number) - 4) + number[-2:]
    return "*" * len(number)


def mask_mobile(mobile: str) -> str:
    """Hide the middle four digits of a mobile number: ``138****1234``."""
    if len(mobile) >= 8:
        return mobile[:3] + "*" * (len(mobile) - 7) + mobile[-4:]
    return "*" * len(mobile)
