"""Generated test identities.

Requirements covered:

* tests and demo data use generated people only: every fake passes the same validators as real input
  (check digits included), so the demo exercises the real rules;
* a seed reproduces the same data;
* the facts asked for (birth date, sex, region, registration authority) are the facts the number carries.
"""

import random
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuaiji.core.constants import DocumentType, Sex
from kuaiji.core.fakes import (
    COMMON_SURNAMES,
    COMPOUND_SURNAMES,
    fake_birth_date,
    fake_credit_code,
    fake_foreign_pr_id,
    fake_hmt_permit,
    fake_mobile,
    fake_person_name,
    fake_resident_id,
)
from kuaiji.core.validators import (
    clean_credit_code,
    clean_document_number,
    clean_mobile,
    clean_person_name,
    document_facts,
)

TODAY = date(2025, 6, 1)
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY
@given(
    seed=st.integers(),
    birth_date=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sex=st.sampled_from([Sex.MALE, Sex.FEMALE]),
    region=st.sampled_from(["630104", "110101", "440304", "110103"]),
)
def test_fake_resident_id_round_trips_through_the_validator(seed, birth_date, sex, region):
    if region == "110103":  # 崇文区, abolished in 2010
        birth_date = min(birth_date, date(2010, 12, 31))
    number = fake_resident_id(rng=random.Random(seed), region_code=region, birth_date=birth_date, sex=sex)
    assert number.startswith(region)
    assert clean_document_number(DocumentType.RESIDENT_ID, number, today=TODAY) == number
    assert document_facts(DocumentType.RESIDENT_ID, number) == (birth_date, sex)


@PROPERTY
@given(
    seed=st.integers(),
    region=st.sampled_from(["810000", "820000", "830000"]),
    sex=st.sampled_from([Sex.MALE, Sex.FEMALE]),
)
def test_fake_hmt_permit_round_trips_through_the_validator(seed, region, sex):
    number = fake_hmt_permit(rng=random.Random(seed), region_code=region, sex=sex)
    assert number.startswith(region)
    assert clean_document_number(DocumentType.HMT_RESIDENCE_PERMIT, number, today=TODAY) == number
    assert document_facts(DocumentType.HMT_RESIDENCE_PERMIT, number).sex == sex


@PROPERTY
@given(seed=st.integers(), birth_date=st.dates(min_value=date(1930, 1, 1), max_value=TODAY))
def test_fake_foreign_pr_id_round_trips_through_the_validator(seed, birth_date):
    number = fake_foreign_pr_id(
        rng=random.Random(seed), province_code="31", birth_date=birth_date, sex=Sex.MALE
    )
    assert number.startswith("931840")
    assert clean_document_number(DocumentType.FOREIGN_PERMANENT_RESIDENT, number, today=TODAY) == number
    assert document_facts(DocumentType.FOREIGN_PERMANENT_RESIDENT, number) == (birth_date, Sex.MALE)


@PROPERTY
@given(seed=st.integers(), first=st.sampled_from("123456789ANY"))
def test_fake_credit_code_is_valid_for_every_registration_authority(seed, first):
    code = fake_credit_code(rng=random.Random(seed), first=first)
    assert code[0] == first
    assert clean_credit_code(code) == code


@PROPERTY
@given(seed=st.integers())
def test_fake_mobile_and_name_pass_the_validators(seed):
    rng = random.Random(seed)
    mobile = fake_mobile(rng=rng)
    assert clean_mobile(mobile) == mobile
    name = fake_person_name(rng=rng)
    assert clean_person_name(name) == name


def test_fake_names_use_common_surnames_and_one_or_two_given_characters():
    rng = random.Random(7)
    names = [fake_person_name(rng=rng) for _ in range(500)]
    for name in names:
        surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[0]
        assert surname in COMPOUND_SURNAMES or surname in COMMON_SURNAMES
        assert len(name) - len(surname) in (1, 2)
    assert {len(name) for name in names} >= {2, 3}


def test_fake_birth_dates_stay_in_the_working_age_window_by_default():
    rng = random.Random(3)
    dates = [fake_birth_date(rng=rng) for _ in range(200)]
    assert all(date(1960, 1, 1) <= born <= date(1990, 12, 31) for born in dates)


def test_same_seed_gives_the_same_people():
    def generate(seed):
        rng = random.Random(seed)
        return (
            fake_person_name(rng=rng),
            fake_resident_id(rng=rng),
            fake_mobile(rng=rng),
            fake_credit_code(rng=rng),
        )

    assert generate(42) == generate(42)
    assert generate(42) != generate(43)


@pytest.mark.parametrize(
    ("factory", "kwargs"),
    [
        (fake_resident_id, {"region_code": "63010"}),
        (fake_hmt_permit, {"region_code": "110101"}),
        (fake_foreign_pr_id, {"province_code": "1"}),
    ],
)
def test_fakes_refuse_impossible_arguments(factory, kwargs):
    with pytest.raises(ValueError):
        factory(rng=random.Random(0), **kwargs)
