"""The conditional rules of the information collection, each checked both ways, through ``rules.py``
directly and through the section form that uses it (one definition: the same message from both).

Requirements covered:
- 专业技术资格 “无” → type, method, date and certificate number must stay empty; any other level → all
  four are required;
- a 会计专业技术职务 other than “无” requires the appointment date (聘任时间), and “无” refuses one;
- a 珠算等级 other than “无” requires its certificate number, and “无” refuses one;
- 有工作单位 “是” → the unit's fields are required; “否” → they are cleared, even when what was left in
  them would not validate (an old, half-typed credit code);
- 学历: the certificate number is required unless the certificate is lost (遗失);
- dates after today are refused (毕业日期, 资格取得时间, 聘任时间, and 出生日期 when it is typed);
- an invalid unified social credit code is refused with its Chinese message; a valid one in lower case
  is accepted and stored in upper case;
- month fields (从事会计工作年月, 工作经历) take exactly YYYY-MM, not after this month, not before 1940;
  a work-history entry is all or nothing and cannot end before it starts.
"""

from datetime import timedelta

from django.utils import timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuaiji.accounts.tests.factories import ApplicantFactory
from kuaiji.collection import rules
from kuaiji.collection.constants import AbacusLevel, AccountingPost, QualificationLevel
from kuaiji.collection.sections import (
    EducationForm,
    EmployerForm,
    HistoryEntryForm,
    PersonalForm,
    QualificationForm,
)
from kuaiji.core.constants import DocumentType

from . import helpers

DETAILS = {
    "qualification_type": "accounting",
    "qualification_method": "exam",
    "qualification_obtained_on": "2014-05-20",
    "qualification_certificate_number": "Z630100001",
}


def form_errors(form) -> dict[str, str]:
    """Each field's first error message (the form must be invalid)."""
    assert not form.is_valid()
    return {name: str(errors[0]) for name, errors in form.errors.items()}


def assert_both_ways(form_class, data, expected: dict[str, str], rule, **form_kwargs):
    """The rule alone and the section form give exactly ``expected`` ({} = valid)."""
    assert rule(data) == expected
    form = form_class(data, **form_kwargs)
    if expected:
        assert form_errors(form) == expected
    else:
        assert form.is_valid(), form.errors


# --- 专业技术资格 --------------------------------------------------------------------------------------------


def test_qualification_none_with_no_details_is_valid_both_ways():
    assert_both_ways(QualificationForm, helpers.QUALIFICATION_NONE, {}, rules.qualification_errors)


@pytest.mark.parametrize("field", list(DETAILS))
def test_qualification_none_refuses_each_detail(field):
    data = {**helpers.QUALIFICATION_NONE, field: DETAILS[field]}
    label = rules.DETAIL_LABELS[field]
    assert_both_ways(
        QualificationForm,
        data,
        {field: f"专业技术资格为“无”时，{label}应为空"},
        rules.qualification_errors,
    )


@pytest.mark.parametrize("level", [v for v in QualificationLevel.values if v != QualificationLevel.NONE])
def test_a_qualification_level_requires_every_detail(level):
    data = {**helpers.QUALIFICATION_NONE, "qualification_level": level}
    expected = {field: f"已选择专业技术资格，请填写{rules.DETAIL_LABELS[field]}" for field in DETAILS}
    assert_both_ways(QualificationForm, data, expected, rules.qualification_errors)

    assert_both_ways(QualificationForm, {**data, **DETAILS}, {}, rules.qualification_errors)


def test_an_accounting_post_requires_the_appointment_date_and_none_refuses_one():
    post = {**helpers.QUALIFICATION_NONE, "accounting_post": AccountingPost.CLERK}
    assert_both_ways(
        QualificationForm,
        post,
        {"appointed_on": "已选择会计专业技术职务，请填写聘任时间"},
        rules.qualification_errors,
    )
    assert_both_ways(
        QualificationForm, {**post, "appointed_on": "2016-09-01"}, {}, rules.qualification_errors
    )
    assert_both_ways(
        QualificationForm,
        {**helpers.QUALIFICATION_NONE, "appointed_on": "2016-09-01"},
        {"appointed_on": "会计专业技术职务为“无”时，聘任时间应为空"},
        rules.qualification_errors,
    )


def test_an_abacus_level_requires_its_certificate_number_and_none_refuses_one():
    abacus = {**helpers.QUALIFICATION_NONE, "abacus_level": AbacusLevel.LEVEL_3}
    assert_both_ways(
        QualificationForm,
        abacus,
        {"abacus_certificate_number": "已选择珠算等级，请填写珠算等级证书编号"},
        rules.qualification_errors,
    )
    assert_both_ways(
        QualificationForm,
        {**abacus, "abacus_certificate_number": "ZS-2010-0042"},
        {},
        rules.qualification_errors,
    )
    assert_both_ways(
        QualificationForm,
        {**helpers.QUALIFICATION_NONE, "abacus_certificate_number": "ZS-2010-0042"},
        {"abacus_certificate_number": "珠算等级为“无”时，证书编号应为空"},
        rules.qualification_errors,
    )


@given(
    level=st.sampled_from(QualificationLevel.values),
    filled=st.sets(st.sampled_from(list(DETAILS))),
    blank=st.sampled_from(["", "   ", None]),
)
def test_qualification_details_are_all_or_nothing(level, filled, blank):
    data = {"qualification_level": level, **{f: DETAILS[f] if f in filled else blank for f in DETAILS}}
    errors = rules.qualification_errors(data)
    if level == QualificationLevel.NONE:
        assert set(errors) == filled
    else:
        assert set(errors) == set(DETAILS) - filled


# --- 工作单位 ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_with_a_work_unit_its_fields_are_required(departments):
    data = helpers.employer(departments["630102"].pk, has_employer=True)
    form = EmployerForm(data)
    assert form.is_valid(), form.errors
    # The rule takes the cleaned values (是 → True).
    assert rules.employer_errors(form.cleaned_data) == {}

    for field in rules.EMPLOYER_FIELDS:
        data.pop(field, None)
    for index in range(3):
        data.pop(f"employer_division_{index}")
    expected = {field: f"请填写{label}" for field, label in rules.EMPLOYER_LABELS.items()}
    assert rules.employer_errors({**data, "has_employer": True}) == expected
    assert form_errors(EmployerForm(data)) == expected


@pytest.mark.django_db
def test_without_a_work_unit_its_fields_are_cleared(departments):
    data = helpers.employer(departments["630102"].pk, has_employer=True)
    # Switched to 否 after typing: even a half-typed credit code and county-less region are dropped.
    data.update(has_employer="no", credit_code="91630", employer_division_2="")
    assert rules.employer_errors({"has_employer": False, "credit_code": "91630"}) == {}

    form = EmployerForm(data)

    assert form.is_valid(), form.errors
    answers = form.answers()
    assert answers["has_employer"] is False
    assert {field: answers[field] for field in rules.EMPLOYER_FIELDS} == dict.fromkeys(
        rules.EMPLOYER_FIELDS, ""
    )


@pytest.mark.django_db
def test_the_work_unit_question_must_be_answered(departments):
    data = helpers.employer(departments["630102"].pk)
    del data["has_employer"]
    assert rules.employer_errors({}) == {"has_employer": "请选择是否有工作单位"}
    assert form_errors(EmployerForm(data))["has_employer"] == "请选择是否有工作单位"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "message"),
    [
        (helpers.CREDIT_CODE[:-1] + ("0" if helpers.CREDIT_CODE[-1] != "0" else "1"), "最后一位校验不正确"),
        ("91630", "统一社会信用代码应为 18 位，当前为 5 位，请核对"),
        ("I" + helpers.CREDIT_CODE[1:], "只能包含数字和大写字母（不含 I、O、S、V、Z）"),
    ],
)
def test_an_invalid_credit_code_is_refused_in_chinese(departments, code, message):
    data = {**helpers.employer(departments["630102"].pk), "credit_code": code}
    errors = form_errors(EmployerForm(data))
    assert set(errors) == {"credit_code"}
    assert message in errors["credit_code"]


@pytest.mark.django_db
def test_a_valid_credit_code_in_lower_case_is_kept_in_upper_case(departments):
    data = {**helpers.employer(departments["630102"].pk), "credit_code": helpers.CREDIT_CODE.lower()}
    form = EmployerForm(data)
    assert form.is_valid(), form.errors
    assert form.answers()["credit_code"] == helpers.CREDIT_CODE.upper()


# --- 学历 ----------------------------------------------------------------------------------------------------


def test_the_certificate_number_is_required_unless_the_certificate_is_lost():
    without_number = {**helpers.EDUCATION, "certificate_number": ""}
    assert_both_ways(
        EducationForm,
        without_number,
        {"certificate_number": "请填写毕业证书编号；证书遗失的，请勾选“毕业证书遗失”"},
        rules.education_errors,
    )
    lost = {**without_number, "certificate_lost": "on"}
    assert rules.education_errors({"certificate_lost": True}) == {}
    form = EducationForm(lost)
    assert form.is_valid(), form.errors
    assert form.answers()["certificate_lost"] is True


# --- dates ---------------------------------------------------------------------------------------------------


def test_dates_after_today_are_refused_and_today_is_accepted():
    today = timezone.localdate()
    tomorrow = (today + timedelta(days=1)).isoformat()
    cases = [
        (EducationForm, helpers.EDUCATION, "graduated_on"),
        (QualificationForm, helpers.QUALIFICATION_JUNIOR, "qualification_obtained_on"),
        (
            QualificationForm,
            {**helpers.QUALIFICATION_NONE, "accounting_post": AccountingPost.CLERK},
            "appointed_on",
        ),
    ]
    for form_class, data, field in cases:
        assert form_errors(form_class({**data, field: tomorrow})) == {field: "日期不能晚于今天"}
        form = form_class({**data, field: today.isoformat()})
        assert form.is_valid(), (field, form.errors)


@pytest.mark.django_db
def test_a_typed_birth_date_cannot_be_in_the_future():
    # A passport carries no birth date, so it is typed (a resident ID fills it in, disabled).
    applicant = ApplicantFactory(document_type=DocumentType.PASSPORT, document_number="E12345678")
    data = {**helpers.PERSONAL, "mobile": applicant.mobile}
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    errors = form_errors(PersonalForm({**data, "birth_date": tomorrow}, applicant=applicant))

    assert errors == {"birth_date": "日期不能晚于今天"}
    assert PersonalForm(data, applicant=applicant).is_valid()


# --- months --------------------------------------------------------------------------------------------------


def _month(offset: int) -> str:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2015/07", "请按“年-月”填写，例如 2015-07"),
        ("2015-7", "请按“年-月”填写，例如 2015-07"),
        ("2015-13", "请按“年-月”填写，例如 2015-07"),
        ("201507", "请按“年-月”填写，例如 2015-07"),
        ("2015-07-01", "请按“年-月”填写，例如 2015-07"),
        (_month(1), "时间不能晚于本月"),
        ("1939-12", "时间不能早于 1940 年"),
    ],
)
def test_month_fields_refuse_bad_months(departments, value, message):
    data = {**helpers.employer(departments["630102"].pk), "started_accounting_on": value}
    assert form_errors(EmployerForm(data)) == {"started_accounting_on": message}


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1940-01", "2015-07", _month(0)])
def test_month_fields_accept_good_months(departments, value):
    data = {**helpers.employer(departments["630102"].pk), "started_accounting_on": value}
    form = EmployerForm(data)
    assert form.is_valid(), form.errors
    assert form.answers()["started_accounting_on"] == value


def test_a_work_history_entry_is_whole_and_ends_after_it_starts():
    assert HistoryEntryForm({}).is_valid()
    whole = {"unit": "虚构会计师事务所", "started": "2009-07", "ended": "2012-06", "post": "审计助理"}
    assert HistoryEntryForm(whole).is_valid()

    assert form_errors(HistoryEntryForm({**whole, "started": "2012-09"})) == {
        "ended": "结束年月不能早于开始年月"
    }
    # Months compare as text, so a one-digit month cannot slip through and sort wrongly.
    assert "started" in form_errors(HistoryEntryForm({**whole, "started": "2009-7", "ended": "2009-10"}))
    assert form_errors(HistoryEntryForm({"unit": "虚构会计师事务所"})) == {
        "started": "请填写开始年月，或清空这一条",
        "ended": "请填写结束年月，或清空这一条",
    }


# --- one table (rules.CONDITIONS) for validation, attachments, summary rows and reveal attributes ----


@pytest.mark.parametrize("condition", rules.CONDITIONS, ids=lambda condition: condition.controller)
def test_each_condition_hides_the_same_fields_in_the_summary_rows_and_the_page(condition):
    from kuaiji.collection.templatetags.collection_rules import reveal_rules

    form = {"qualification": QualificationForm, "employer": EmployerForm}[condition.section]
    attributes = str(reveal_rules(condition.section))
    assert (
        f'data-controller="{condition.controller}" data-hide-when="{condition.hide_when_attribute}" '
        f'data-targets="{" ".join(condition.targets)}"'
    ) in attributes
    labels = {rules.LABELS[target] for target in condition.targets} - {"单位名称"}  # also a history label
    hidden = {condition.controller: condition.hidden_when[0], "has_employer": False}
    shown_value = {"has_employer": True}.get(condition.controller, "junior")
    if condition.controller in ("accounting_post",):
        shown_value = AccountingPost.values[-1]
    if condition.controller == "abacus_level":
        shown_value = next(value for value in AbacusLevel.values if value != AbacusLevel.NONE)
    with_shown = {**hidden, condition.controller: shown_value}
    row_labels = {label for label, _ in _rows(form, hidden)}
    assert not labels & row_labels
    assert labels <= {label for label, _ in _rows(form, with_shown)}


def _rows(form, answers):
    from unittest import mock

    with mock.patch("kuaiji.collection.sections.Department.objects") as objects:
        objects.filter.return_value.first.return_value = None
        with mock.patch("kuaiji.collection.sections.division_path", return_value=[]):
            return form.rows(answers)


def test_the_attachment_conditions_come_from_the_table():
    from kuaiji.collection.attachments import CONDITIONS

    for name, condition in (
        ("has_qualification", rules.HAS_QUALIFICATION),
        ("has_accounting_post", rules.HAS_ACCOUNTING_POST),
        ("has_abacus_level", rules.HAS_ABACUS_LEVEL),
    ):
        for value in (*condition.hidden_when, "junior", "accountant", "level_1"):
            answers = {"qualification": {condition.controller: value}}
            assert CONDITIONS[name](answers) == condition.applies(answers["qualification"])
    assert not CONDITIONS["has_employer"]({"employer": {"has_employer": False}})
    assert CONDITIONS["has_employer"]({"employer": {"has_employer": True}})
