"""Generated identities for tests and demo data: made-up people and organisations, never real ones.

Every generator takes an explicit ``random.Random`` so that a seed reproduces the same data. The numbers
are valid by the rules of ``kuaiji.core.validators`` (check digits included); a generated number or name
may by chance coincide with a real one, which is why demo data must never leave the demo environment and
the SMS backend must not deliver to generated mobile numbers.
"""

import random
from datetime import date, timedelta

from stdnum.cn import uscc

from kuaiji.core.constants import Sex
from kuaiji.core.validators import CREDIT_CODE_ALPHABET, HMT_ADDRESS_CODES, gb11643_check_digit

COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫")
GIVEN_NAME_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华建国红梅志鹏宇浩然子涵欣怡思雨晨阳嘉琪俊博文轩佳慧颖"
    "玉兰秀英德海燕云飞晓东新春秋亮辉琳婷倩雪松"
)
MOBILE_PREFIXES = ("133", "135", "136", "138", "139", "150", "152", "158", "177", "186", "188", "199")
EARLIEST_FAKE_BIRTH_DATE = date(1960, 1, 1)
# Born by 1990: the demo and test answers (graduated 2012, accounting work from 2012-07) are then
# plausible for everyone generated; tests of the plausibility warnings set their own dates.
LATEST_FAKE_BIRTH_DATE = date(1990, 12, 31)


def fake_birth_date(
    *, rng: random.Random, earliest: date = EARLIEST_FAKE_BIRTH_DATE, latest: date = LATEST_FAKE_BIRTH_DATE
) -> date:
    """A birth date between ``earliest`` and ``latest`` (default: people of working age)."""
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))


def fake_resident_id(
    *,
    rng: random.Random,
    region_code: str = "630104",
    birth_date: date | None = None,
    sex: Sex | None = None,
) -> str:
    """A resident ID number (GB 11643) with a valid check digit; 630104 is 西宁市城西区."""
    if len(region_code) != 6 or not region_code.isdigit():
        raise ValueError("region_code must be 6 digits")
    return _gb11643_number(region_code, rng=rng, birth_date=birth_date, sex=sex)


def fake_hmt_permit(
    *,
    rng: random.Random,
    region_code: str = "810000",
    birth_date: date | None = None,
    sex: Sex | None = None,
) -> str:
    """A residence permit number for Hong Kong (810000), Macao (820000) or Taiwan (830000) residents."""
    if region_code not in HMT_ADDRESS_CODES:
        raise ValueError("region_code must be 810000, 820000 or 830000")
    return _gb11643_number(region_code, rng=rng, birth_date=birth_date, sex=sex)


def fake_foreign_pr_id(
    *,
    rng: random.Random,
    province_code: str = "11",
    nationality_code: str = "840",
    birth_date: date | None = None,
    sex: Sex | None = None,
) -> str:
    """A 2023-format foreign permanent resident ID: 9, province, ISO 3166-1 numeric nationality, birth date,
    order code (odd = male) and MOD 11-2 check digit."""
    if len(province_code) != 2 or len(nationality_code) != 3:
        raise ValueError("province_code must be 2 digits and nationality_code 3 digits")
    return _gb11643_number("9" + province_code + nationality_code, rng=rng, birth_date=birth_date, sex=sex)


def fake_credit_code(*, rng: random.Random, first: str = "9", region_code: str = "630104") -> str:
    """A unified social credit code (GB 32100) with a valid check character.

    ``first`` is the registration authority code (1-9, A, N or Y; 9 = market regulation).
    """
    category = rng.choice("123")
    organisation = "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    body = first + category + region_code + organisation
    return body + uscc.calc_check_digit(body)


def fake_mobile(*, rng: random.Random) -> str:
    """An 11-digit mainland mobile number."""
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def fake_person_name(*, rng: random.Random) -> str:
    """A made-up Chinese name: a common surname (now and then a compound one) and one or two characters."""
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.05 else rng.choice(COMMON_SURNAMES)
    given_length = 2 if rng.random() < 0.6 else 1
    return surname + "".join(rng.choice(GIVEN_NAME_CHARACTERS) for _ in range(given_length))


def _gb11643_number(prefix: str, *, rng: random.Random, birth_date: date | None, sex: Sex | None) -> str:
    birth_date = birth_date or fake_birth_date(rng=rng)
    sex = sex or rng.choice([Sex.MALE, Sex.FEMALE])
    order = f"{rng.randint(0, 99):02d}" + rng.choice("13579" if sex == Sex.MALE else "02468")
    body = prefix + birth_date.strftime("%Y%m%d") + order
    return body + gb11643_check_digit(body)
