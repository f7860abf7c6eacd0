"""Identity, name, mobile and credit-code validators.

Requirements covered:

* one definition of each identity rule, used by forms, API and imports: ``clean_document_number`` for
  居民身份证 (GB 11643), 港澳台居民居住证, 外国人永久居留身份证 (2017 and 2023 formats) and passports;
* a resident ID's address code is accepted when it was in use at any time from the birth year on, and
  birth dates in the future or before 1900 are refused — the two places where ``stdnum.cn.ric.validate``
  is wrong for us;
* unified social credit codes (GB 32100) with registration authority A, N and Y are accepted, unlike
  ``stdnum.cn.uscc.validate``;
* every refusal carries a Simplified Chinese message that says what to fix and a stable code;
* names: minority names with middle dots and rare characters outside the BMP are kept exactly as typed;
  digits, control characters, lone surrogates, symbols and over-long names are refused;
* display masks for document numbers and mobile numbers.
"""

import random
import string
from datetime import date

from django.core.exceptions import ValidationError

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from kuaiji.core.constants import DocumentType, Sex
from kuaiji.core.fakes import fake_credit_code, fake_resident_id
from kuaiji.core.validators import (
    IdentityFacts,
    clean_credit_code,
    clean_document_number,
    clean_mobile,
    clean_person_name,
    document_facts,
    gb11643_check_digit,
    mask_document_number,
    mask_mobile,
    resident_id_facts,
    validate_credit_code,
    validate_mobile,
    validate_person_name,
)

TODAY = date(2025, 6, 1)
RESIDENT = DocumentType.RESIDENT_ID
HMT = DocumentType.HMT_RESIDENCE_PERMIT
FOREIGN_PR = DocumentType.FOREIGN_PERMANENT_RESIDENT
PASSPORT = DocumentType.PASSPORT

# The fixtures of conftest.py are function-scoped; these properties do not use them.
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def refusal(callable_, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        callable_(*args, **kwargs)
    return caught.value


def iso7064_mod11_2_is_valid(number: str) -> bool:
    """Independent check of GB 11643's definition: sum of a_i * 2^(i-1) over all 18 positions ≡ 1 (mod 11)."""
    values = [10 if char == "X" else int(char) for char in number]
    return sum(value * pow(2, 17 - index, 11) for index, value in enumerate(values)) % 11 == 1


def gb32100_is_valid(code: str) -> bool:
    """Independent check of GB 32100: weights 3^i mod 31, check value (31 - sum mod 31) mod 31."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(alphabet.index(char) * pow(3, index, 31) for index, char in enumerate(code[:17]))
    return alphabet[(31 - total % 31) % 31] == code[17]


# --- resident ID (居民身份证) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the example of GB 11643-1999
        "360426199101010071",  # stdnum.cn.ric's documented example
        "440304199101010019",
        "110103198001010013",  # 崇文区, abolished 2010, born before that
    ],
)
def test_published_and_known_resident_ids_are_accepted(number):
    assert iso7064_mod11_2_is_valid(number)
    assert clean_document_number(RESIDENT, number, today=TODAY) == number


def test_resident_id_is_trimmed_and_x_upper_cased():
    assert clean_document_number(RESIDENT, " 1101 0519 4912 31002x ", today=TODAY) == "11010519491231002X"


def test_full_width_digits_from_chinese_input_methods_are_normalised():
    assert (
        clean_document_number(RESIDENT, "１１０１０５１９４９１２３１００２ｘ", today=TODAY)
        == "11010519491231002X"
    )


def test_address_code_that_began_after_the_birth_year_is_accepted_although_stdnum_refuses_it():
    # 630104 (西宁市城西区) exists since 1983; the holder was born in 1970 and numbered later.
    number = "630104197001010017"
    assert not ric.is_valid(number)
    assert clean_document_number(RESIDENT, number, today=TODAY) == number
    # 110112 (通州区) exists since 1997; born 1990.
    assert not ric.is_valid("110112199006150024")
    assert clean_document_number(RESIDENT, "110112199006150024", today=TODAY) == "110112199006150024"


def test_future_birth_date_is_refused_although_stdnum_accepts_it():
    number = "110101209001010011"  # born 2090-01-01
    assert ric.is_valid(number)
    error = refusal(clean_document_number, RESIDENT, number, today=TODAY)
    assert error.code == "birth_date"
    assert "出生日期不能晚于今天" in error.messages[0]


def test_birth_date_is_compared_with_the_given_today():
    number = fake_resident_id(rng=random.Random(1), birth_date=date(2025, 6, 2))
    assert refusal(clean_document_number, RESIDENT, number, today=TODAY).code == "birth_date"
    assert clean_document_number(RESIDENT, number, today=date(2025, 6, 2)) == number


def test_address_code_abolished_before_the_birth_year_is_refused():
    # 110103 (崇文区) was merged away in 2010; a number for someone born in 2015 cannot carry it.
    error = refusal(clean_document_number, RESIDENT, "110103201501010014", today=TODAY)
    assert error.code == "region"
    assert error.messages == ["身份证号码前 6 位（地址码）在出生年份之前已撤销，请核对"]


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("", "required", "请输入证件号码"),
        ("   ", "required", "请输入证件号码"),
        ("11010519491231002", "length", "身份证号码应为 18 位，当前为 17 位，请核对"),
        ("11010519491231002X1", "length", "身份证号码应为 18 位，当前为 19 位，请核对"),
        ("1101051949123100XX", "format", "身份证号码前 17 位应为数字，最后一位为数字或字母 X，请核对"),
        ("11010519491231002Y", "format", "身份证号码前 17 位应为数字，最后一位为数字或字母 X，请核对"),
        ("110105194902300021", "birth_date", "身份证号码中的出生日期 19490230 不是有效日期，请核对"),
        ("110105189912310021", "birth_date", "出生日期不能早于 1900 年，请核对身份证号码"),
        ("990105194912310021", "region", "身份证号码前 2 位（省份代码）不正确，请核对"),
        ("119905194912310021", "region", "身份证号码前 6 位（地址码）不是有效的行政区划代码，请核对"),
        ("110105194912310021", "checksum", "身份证号码最后一位校验不正确，请核对"),
        (
            "810000199001010019",
            "region",
            "以 81、82、83 开头的是港澳台居民居住证号码，请将证件类型选为“港澳台居民居住证”",
        ),
    ],
)
def test_bad_resident_ids_are_refused_with_a_message(raw, code, message):
    error = refusal(clean_document_number, RESIDENT, raw, today=TODAY)
    assert (error.code, error.messages) == (code, [message])


REGION_CODES = ["110101", "310104", "440304", "510107", "630104", "650102"]


@PROPERTY
@given(
    body=st.text(alphabet=string.digits, min_size=17, max_size=17),
)
def test_any_17_digits_get_a_check_digit_that_satisfies_iso7064(body):
    check = gb11643_check_digit(body)
    assert check in "0123456789X"
    assert iso7064_mod11_2_is_valid(body + check)


@PROPERTY
@given(
    region=st.sampled_from(REGION_CODES),
    birth_date=st.dates(min_value=date(1983, 1, 1), max_value=TODAY),
    order=st.text(alphabet=string.digits, min_size=3, max_size=3),
)
def test_any_well_formed_resident_id_with_its_check_digit_is_accepted(region, birth_date, order):
    body = region + birth_date.strftime("%Y%m%d") + order
    number = body + gb11643_check_digit(body)
    assert clean_document_number(RESIDENT, number, today=TODAY) == number
    assert resident_id_facts(number) == IdentityFacts(
        birth_date=birth_date, sex=Sex.MALE if int(order[2]) % 2 else Sex.FEMALE
    )


@PROPERTY
@given(seed=st.integers(), position=st.integers(min_value=0, max_value=17), data=st.data())
def test_changing_any_single_character_of_a_valid_resident_id_is_refused(seed, position, data):
    number = fake_resident_id(rng=random.Random(seed))
    replacement = data.draw(st.sampled_from([c for c in "0123456789X" if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError):
        clean_document_number(RESIDENT, changed, today=TODAY)


def test_resident_id_facts_read_birth_date_and_sex():
    assert resident_id_facts("11010519491231002X") == (date(1949, 12, 31), Sex.FEMALE)
    assert resident_id_facts("360426199101010071") == (date(1991, 1, 1), Sex.MALE)


def test_resident_id_facts_refuse_malformed_numbers():
    with pytest.raises(ValueError):
        resident_id_facts("AB0105194912310021")


# --- HMT residence permit (港澳台居民居住证) ---------------------------------------------------------------


@pytest.mark.parametrize("number", ["810000199001010019", "82000019850505002X", "830000200002290031"])
def test_hmt_permits_are_accepted(number):
    assert clean_document_number(HMT, number.lower(), today=TODAY) == number


def test_hmt_permit_facts():
    assert document_facts(HMT, "82000019850505002X") == (date(1985, 5, 5), Sex.FEMALE)


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("8100001990010100", "length", "居住证号码应为 18 位，当前为 16 位，请核对"),
        (
            "11010519491231002X",
            "region",
            "港澳台居民居住证号码应以 810000（香港）、820000（澳门）或 830000（台湾）开头，请核对",
        ),
        (
            "810100199001010015",
            "region",
            "港澳台居民居住证号码应以 810000（香港）、820000（澳门）或 830000（台湾）开头，请核对",
        ),
        ("810000199013010017", "birth_date", "居住证号码中的出生日期 19901301 不是有效日期，请核对"),
        ("810000199001010018", "checksum", "居住证号码最后一位校验不正确，请核对"),
    ],
)
def test_bad_hmt_permits_are_refused_with_a_message(raw, code, message):
    error = refusal(clean_document_number, HMT, raw, today=TODAY)
    assert (error.code, error.messages) == (code, [message])


# --- foreign permanent resident ID (外国人永久居留身份证) ---------------------------------------------------


def test_2023_foreign_pr_id_is_accepted_and_carries_facts():
    number = "911398199012310021"  # CredentialKit's example: Beijing, Kazakhstan (398), 1990-12-31
    assert iso7064_mod11_2_is_valid(number)
    assert clean_document_number(FOREIGN_PR, number, today=TODAY) == number
    assert document_facts(FOREIGN_PR, number) == (date(1990, 12, 31), Sex.FEMALE)


def test_2017_foreign_pr_id_is_accepted_by_structure_and_carries_no_facts():
    assert clean_document_number(FOREIGN_PR, "kaz110090123105", today=TODAY) == "KAZ110090123105"
    assert document_facts(FOREIGN_PR, "KAZ110090123105") is None


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        (
            "USA1234567890",
            "length",
            "外国人永久居留身份证号码应为 15 位（2017 版）或 18 位（2023 版），请核对",
        ),
        ("US1110090123105", "format", "15 位的永久居留身份证号码应为 3 位字母加 12 位数字，请核对"),
        (
            "KAZ110090133105",
            "birth_date",
            "永久居留身份证号码第 8–13 位应为出生日期（年年月月日日），请核对",
        ),
        ("811398199012310021", "format", "18 位的外国人永久居留身份证号码以 9 开头，请核对"),
        ("999398199012310021", "region", "永久居留身份证号码第 2–3 位（受理地省份代码）不正确，请核对"),
        ("911398209012310021", "birth_date", "出生日期不能晚于今天，请核对永久居留身份证号码"),
        ("911398199012310022", "checksum", "永久居留身份证号码最后一位校验不正确，请核对"),
    ],
)
def test_bad_foreign_pr_ids_are_refused_with_a_message(raw, code, message):
    error = refusal(clean_document_number, FOREIGN_PR, raw, today=TODAY)
    assert (error.code, error.messages) == (code, [message])


# --- passport --------------------------------------------------------------------------------------------


def test_passport_is_compacted_and_upper_cased():
    assert clean_document_number(PASSPORT, " e1234 5678 ", today=TODAY) == "E12345678"
    assert document_facts(PASSPORT, "E12345678") is None


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("E123", "length", "护照号码应为 5–20 位字母或数字，请核对"),
        ("E" * 21, "length", "护照号码应为 5–20 位字母或数字，请核对"),
        ("E1234-5678", "format", "护照号码只能包含字母和数字，请核对"),
        ("护照12345", "format", "护照号码只能包含字母和数字，请核对"),
    ],
)
def test_bad_passports_are_refused_with_a_message(raw, code, message):
    error = refusal(clean_document_number, PASSPORT, raw, today=TODAY)
    assert (error.code, error.messages) == (code, [message])


def test_unknown_document_type_is_refused():
    assert refusal(clean_document_number, "driving_licence", "12345678").code == "document_type"


def test_birth_date_defaults_to_today_in_the_project_time_zone():
    assert clean_document_number(RESIDENT, "11010519491231002X") == "11010519491231002X"


# --- names -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "张三",
        "欧阳修",
        "阿依古丽·买买提",  # U+00B7
        "阿依古丽・买买提",  # U+30FB
        "阿依古丽•买买提",  # U+2022
        "阿依古丽‧买买提",  # U+2027
        "𠇔明",  # CJK Extension B
        "王〇",
        "John Smith",
        "Mary-Jane O'Neil",
        "D’Artagnan",
        "José Müller",
        "Jose\u0301 Mu\u0308ller",  # decomposed accents stay as typed
    ],
)
def test_names_are_kept_exactly_as_typed(name):
    assert clean_person_name(name) == name


def test_name_is_trimmed_and_inner_spaces_collapsed():
    assert clean_person_name("  张三\u3000") == "张三"
    assert clean_person_name(" John   Smith ") == "John Smith"


def test_name_of_fifty_characters_is_accepted_and_fifty_one_refused():
    assert clean_person_name("𠇔" * 50) == "𠇔" * 50  # counted in code points, not UTF-16 units
    error = refusal(clean_person_name, "张" * 51)
    assert (error.code, error.messages) == ("max_length", ["姓名不能超过 50 个字"])


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("", "required", "请输入姓名"),
        ("   ", "required", "请输入姓名"),
        ("张三1", "digits", "姓名不能包含数字"),
        ("张三３", "digits", "姓名不能包含数字"),
        ("张\u0000三", "invalid_character", "姓名不能包含控制字符或不可见字符，请重新输入"),
        ("张\u200b三", "invalid_character", "姓名不能包含控制字符或不可见字符，请重新输入"),
        ("张\ud800", "invalid_character", "姓名包含无法识别的字符，请重新输入"),
        ("\ud800", "invalid_character", "姓名包含无法识别的字符，请重新输入"),
        (
            "张三😀",
            "invalid_character",
            "姓名只能包含汉字、字母和间隔号“·”；外文姓名还可以包含空格、连字符和撇号",
        ),
        (
            "张三@",
            "invalid_character",
            "姓名只能包含汉字、字母和间隔号“·”；外文姓名还可以包含空格、连字符和撇号",
        ),
        (
            "\u0301Anna",
            "invalid_character",
            "姓名只能包含汉字、字母和间隔号“·”；外文姓名还可以包含空格、连字符和撇号",
        ),
        (
            "张\u0301",
            "invalid_character",
            "姓名只能包含汉字、字母和间隔号“·”；外文姓名还可以包含空格、连字符和撇号",
        ),
        ("Anna-", "separator", "姓名不能以间隔号、空格、连字符或撇号开头或结尾"),
        ("·买买提", "separator", "姓名不能以间隔号、空格、连字符或撇号开头或结尾"),
        ("阿依古丽··买买提", "separator", "间隔号、空格、连字符和撇号不能连用"),
        ("张 三", "separator", "中文姓名中间不能有空格"),
        ("张-三", "separator", "连字符和撇号只能用于外文姓名"),
    ],
)
def test_bad_names_are_refused_with_a_message(raw, code, message):
    error = refusal(clean_person_name, raw)
    assert (error.code, error.messages) == (code, [message])


def test_validate_person_name_is_a_django_validator():
    validate_person_name("阿依古丽·买买提")
    with pytest.raises(ValidationError):
        validate_person_name("张三1")


# --- mobile numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812341234",
        "138 1234 1234",
        "138-1234-1234",
        "+86 138 1234 1234",
        "8613812341234",
        "0086-13812341234",
    ],
)
def test_mobile_numbers_are_normalised(raw):
    assert clean_mobile(raw) == "13812341234"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请输入手机号码"),
        ("1381234123", "手机号码应为 11 位数字，请核对"),
        ("138123412345", "手机号码应为 11 位数字，请核对"),
        ("1381234123a", "手机号码应为 11 位数字，请核对"),
        # Eleven digits, but no mobile number: saying "enter 11 digits" would not help.
        ("12812341234", "该号码不是手机号码，请核对（手机号码以 13～19 开头）"),
        ("23812341234", "该号码不是手机号码，请核对（手机号码以 13～19 开头）"),
    ],
)
def test_bad_mobile_numbers_are_refused_with_what_is_wrong(raw, message):
    error = refusal(clean_mobile, raw)
    assert error.messages == [message]
    assert error.code == ("required" if not raw else "invalid")


@pytest.mark.parametrize("raw", ["<b>李四</b>", "李四<script>", "王&amp;五", 'A"B'])
def test_a_name_with_markup_gets_its_own_message(raw):
    assert refusal(clean_person_name, raw).messages == ["姓名不能包含 < > & 等符号，请只填写姓名本身"]


def test_validate_mobile_is_a_django_validator():
    validate_mobile("13812341234")
    with pytest.raises(ValidationError):
        validate_mobile("1381234")


# --- unified social credit code (统一社会信用代码) ----------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341L",  # stdnum.cn.uscc's documented example
        "91110000MA01ABCDEX",
        "12100000400000000W",
    ],
)
def test_valid_credit_codes_are_accepted(code):
    assert gb32100_is_valid(code)
    assert clean_credit_code(code.lower()) == code


def test_credit_code_is_compacted():
    assert clean_credit_code(" 9 1 110000-600037341l ") == "91110000600037341L"


@pytest.mark.parametrize("code", ["A1110000MA0000000G", "N2110000MA00000001", "Y1110000MA0000000U"])
def test_authority_codes_a_n_y_are_accepted_although_stdnum_refuses_them(code):
    assert not uscc.is_valid(code)
    assert gb32100_is_valid(code)
    assert clean_credit_code(code) == code


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("", "required", "请输入统一社会信用代码"),
        ("91110000600037341", "length", "统一社会信用代码应为 18 位，当前为 17 位，请核对"),
        (
            "91110000600037341I",
            "format",
            "统一社会信用代码只能包含数字和大写字母（不含 I、O、S、V、Z），请核对",
        ),
        (
            "B1110000600037341L",
            "format",
            "统一社会信用代码第 1 位（登记管理部门代码）应为 1–9、A、N 或 Y，请核对",
        ),
        (
            "9A110000600037341L",
            "format",
            "统一社会信用代码第 2–8 位（机构类别和登记管理机关行政区划码）应为数字，请核对",
        ),
        ("91110000600037341K", "checksum", "统一社会信用代码最后一位校验不正确，请核对"),
    ],
)
def test_bad_credit_codes_are_refused_with_a_message(raw, code, message):
    error = refusal(clean_credit_code, raw)
    assert (error.code, error.messages) == (code, [message])


@PROPERTY
@given(
    first=st.sampled_from("123456789ANY"),
    category=st.sampled_from("123456789"),
    region=st.text(alphabet=string.digits, min_size=6, max_size=6),
    organisation=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9),
)
def test_any_well_formed_credit_code_with_its_check_character_is_accepted(
    first, category, region, organisation
):
    body = first + category + region + organisation
    code = body + uscc.calc_check_digit(body)
    assert gb32100_is_valid(code)
    assert clean_credit_code(code) == code


@PROPERTY
@given(seed=st.integers(), position=st.integers(min_value=0, max_value=17), data=st.data())
def test_changing_any_single_character_of_a_valid_credit_code_is_refused(seed, position, data):
    code = fake_credit_code(rng=random.Random(seed), first=random.Random(seed).choice("9ANY"))
    replacement = data.draw(
        st.sampled_from([c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != code[position]])
    )
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        clean_credit_code(changed)


def test_validate_credit_code_is_a_django_validator():
    validate_credit_code("91110000600037341L")
    with pytest.raises(ValidationError):
        validate_credit_code("91110000600037341K")


# --- masks -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("630102199001011234", "630102********1234"),
        ("KAZ110090123105", "KAZ110*****3105"),
        ("E12345678", "E1*****78"),
        ("E1234", "E1*34"),
        ("E123", "****"),
        ("", ""),
    ],
)
def test_mask_document_number(number, masked):
    assert mask_document_number(number) == masked


def test_mask_mobile():
    assert mask_mobile("13812341234") == "138****1234"
    assert mask_mobile("12345") == "*****"
