"""The wizard's rules that the pages and the API share, called directly (the pages' tests go through
the test client):

- ``known_employer_fill``: a unit's facts filled in from approved records when only its credit code was
  typed; nothing when there is no unit, a name was typed, the code is not valid or not known;
- ``suggested_department``: the department covering the unit's finest region, or without a unit the
  residence's; None without a region; the stored answers when the page holds none;
- ``initial_section_data``: the account's name and phone for 个人信息, the residence's department for
  工作单位, nothing for the others;
- ``basic_info_form_ready``: every section complete and the 1-inch photo uploaded (and the PDF follows it);
- ``task_states``: 需修改 for the signed form once the answers changed after it was generated;
- ``verify_new_mobile``: a right code keeps the mobile, verified, and is used up; a wrong one is counted
  and keeps nothing; a stale version keeps nothing and leaves the code usable; a bad number is refused; the 个人信息 page
  verifies through it and keeps what was typed.
"""

from django.core.exceptions import ValidationError
from django.urls import reverse

import pytest

from kuaiji.accounts.models import SmsCode
from kuaiji.accounts.tests.helpers import last_code_for
from kuaiji.collection import services
from kuaiji.collection.constants import SectionState
from kuaiji.collection.models import Submission
from kuaiji.collection.pdf import basic_info_pdf
from kuaiji.collection.selectors import (
    basic_info_form_ready,
    initial_section_data,
    known_employer_fill,
    suggested_department,
    task_states,
)

from . import helpers
from .factories import SubmissionFactory

pytestmark = pytest.mark.django_db

CHENGDONG = "630102"  # a district with its own demo department
XINING = "630100"
NEW_MOBILE = "13912345678"


# --- known_employer_fill ---------------------------------------------------------------------------------


def typed_code(code=helpers.CREDIT_CODE, **extra) -> dict:
    return {"has_employer": "yes", "credit_code": code, **extra}


def test_a_known_unit_is_filled_in_from_its_credit_code(departments):
    SubmissionFactory.create(approved=True)
    typed = typed_code(helpers.CREDIT_CODE.lower(), department_post="会计")

    filled = known_employer_fill(typed)

    assert filled is not None
    assert filled["employer_name"] == "西宁虚构商贸有限公司"
    assert filled["employer_nature"] == "private_enterprise"
    assert filled["employer_address"] == "虚构大街 8 号"
    assert [filled[f"employer_division_{i}"] for i in range(3)] == ["630000", "630100", "630102"]
    assert filled["department_post"] == "会计"  # what was typed stays
    assert "employer_name" not in typed  # the page's data is not changed in place


def test_a_unit_only_pending_is_not_known(departments):
    SubmissionFactory.create(submitted=True)

    assert known_employer_fill(typed_code()) is None


@pytest.mark.parametrize(
    "data",
    [
        {"has_employer": "no", "credit_code": helpers.CREDIT_CODE},
        typed_code(employer_name="另一家虚构公司"),
        typed_code("91630102MA000000X"),  # not a valid code
        typed_code(""),
    ],
)
def test_nothing_is_filled_without_a_unit_with_a_name_or_a_valid_code(departments, data):
    SubmissionFactory.create(approved=True)

    assert known_employer_fill(data) is None


# --- suggested_department and initial_section_data -------------------------------------------------------------


def draft(applicant=None) -> Submission:
    kwargs = {"applicant": applicant} if applicant is not None else {}
    return SubmissionFactory.create(draft=True, **kwargs)


def with_residence(submission: Submission, **residence) -> Submission:
    personal = {**helpers.PERSONAL, **residence}
    services.save_section(submission, section="personal", data=personal, expected_version=submission.version)
    return submission


def test_the_units_finest_region_decides(departments):
    submission = with_residence(draft())  # lives in 城西区, covered by 西宁

    unit = {"has_employer": "yes", "employer_division_0": "630000", "employer_division_1": XINING}
    assert suggested_department(submission, unit) == departments[XINING]
    unit["employer_division_2"] = CHENGDONG
    assert suggested_department(submission, unit) == departments[CHENGDONG]


def test_without_a_unit_the_residence_decides(departments):
    submission = with_residence(draft())

    assert suggested_department(submission, {"has_employer": "no"}) == departments[XINING]
    assert suggested_department(submission, {}) == departments[XINING]


def test_the_stored_answers_are_used_when_the_page_holds_none(departments):
    submission = with_residence(draft())
    employer = {**helpers.employer(departments[CHENGDONG].pk)}
    services.save_section(submission, section="employer", data=employer, expected_version=submission.version)

    assert suggested_department(submission) == departments[CHENGDONG]


def test_no_region_no_suggestion(departments):
    submission = draft()

    assert suggested_department(submission, {"has_employer": "yes"}) is None
    assert suggested_department(submission, {}) is None


def test_personal_starts_with_the_accounts_name_and_phone(departments):
    submission = draft()
    applicant = submission.applicant

    assert initial_section_data(submission, "personal") == {
        "full_name": applicant.full_name,
        "mobile": applicant.mobile,
    }


def test_employer_starts_with_the_residences_department(departments):
    submission = draft()
    assert initial_section_data(submission, "employer") == {}

    with_residence(submission)
    assert initial_section_data(submission, "employer") == {"management_department": departments[XINING].pk}
    with_residence(submission, residence_division_2=CHENGDONG)
    assert initial_section_data(submission, "employer") == {
        "management_department": departments[CHENGDONG].pk
    }


@pytest.mark.parametrize("section", ["education", "qualification"])
def test_the_other_sections_start_empty(departments, section):
    assert initial_section_data(with_residence(draft()), section) == {}


# --- basic_info_form_ready and task_states ------------------------------------------------------------------------


def test_a_complete_submission_is_ready_for_the_form(departments):
    submission = SubmissionFactory.create(complete=True)

    assert basic_info_form_ready(submission) is True
    assert basic_info_form_ready(submission, answers=services.validated_answers(submission)) is True
    assert basic_info_pdf(submission) is not None


def test_a_missing_section_is_not_ready(departments):
    submission = SubmissionFactory.create(complete=True, omit=("education",))

    assert basic_info_form_ready(submission) is False
    assert basic_info_pdf(submission) is None


def test_a_missing_photo_is_not_ready(departments):
    submission = SubmissionFactory.create(complete=True)
    portrait = services.portrait_of(submission)
    assert portrait is not None
    services.remove_attachment(submission, attachment=portrait)

    assert basic_info_form_ready(submission) is False
    assert basic_info_pdf(submission) is None


def test_the_signed_form_needs_changes_once_the_answers_change(departments):
    submission = SubmissionFactory.create(complete=True)
    assert task_states(submission)["basic_info_form"] == SectionState.COMPLETED

    personal = {**submission.answers["personal"], "residence_address": "虚构路 2 号"}
    services.save_section(submission, section="personal", data=personal, expected_version=submission.version)

    states = task_states(submission)
    assert states["basic_info_form"] == SectionState.NEEDS_CHANGES
    assert states["personal"] == SectionState.COMPLETED


# --- verify_new_mobile -------------------------------------------------------------------------------------------


def sent_code(mobile=NEW_MOBILE) -> str:
    services.send_new_mobile_code(mobile=mobile, client_ip="203.0.113.7")
    return last_code_for(mobile)


def test_a_right_code_keeps_the_new_mobile_verified(departments):
    submission = with_residence(draft())
    version = submission.version
    code = sent_code()

    kept = services.verify_new_mobile(
        submission, mobile=f"+86 {NEW_MOBILE}", code=code, expected_version=version
    )

    assert kept == NEW_MOBILE
    stored = Submission.objects.get(pk=submission.pk)
    assert stored.version == version + 1
    assert stored.answers["personal"]["mobile"] == NEW_MOBILE
    assert stored.answers["personal"]["_verified_mobiles"] == [NEW_MOBILE]
    assert stored.answers["personal"]["residence_address"] == helpers.PERSONAL["residence_address"]
    assert SmsCode.objects.get(mobile=NEW_MOBILE).used_at is not None
    with pytest.raises(ValidationError, match="短信验证码已失效"):  # used up
        services.verify_new_mobile(submission, mobile=NEW_MOBILE, code=code, expected_version=stored.version)


def test_a_wrong_code_is_counted_and_keeps_nothing(departments):
    submission = with_residence(draft())
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"

    with pytest.raises(ValidationError, match="短信验证码不正确"):
        services.verify_new_mobile(
            submission, mobile=NEW_MOBILE, code=wrong, expected_version=submission.version
        )

    assert SmsCode.objects.get(mobile=NEW_MOBILE).failed_attempts == 1
    assert "_verified_mobiles" not in Submission.objects.get(pk=submission.pk).answers["personal"]


def test_a_stale_version_keeps_nothing_and_leaves_the_code_usable(departments):
    submission = with_residence(draft())
    stale = submission.version
    code = sent_code()
    Submission.objects.filter(pk=submission.pk).update(version=stale + 1)  # saved in another window

    with pytest.raises(services.DraftConflict):
        services.verify_new_mobile(submission, mobile=NEW_MOBILE, code=code, expected_version=stale)

    assert SmsCode.objects.get(mobile=NEW_MOBILE).used_at is None
    assert "_verified_mobiles" not in Submission.objects.get(pk=submission.pk).answers["personal"]
    services.verify_new_mobile(submission, mobile=NEW_MOBILE, code=code, expected_version=stale + 1)
    assert Submission.objects.get(pk=submission.pk).answers["personal"]["_verified_mobiles"] == [NEW_MOBILE]


def test_a_bad_number_is_refused(departments):
    submission = draft()

    with pytest.raises(ValidationError, match="手机号码应为 11 位数字"):
        services.verify_new_mobile(
            submission, mobile="1391234", code="123456", expected_version=submission.version
        )


# --- the 个人信息 page over the same service ----------------------------------------------------------------------


def test_the_personal_page_verifies_a_new_mobile_through_the_service(applicant_client):
    applicant_client.post(reverse("collection:start"))
    url = reverse("collection:section", args=["personal"])
    typed = {**helpers.PERSONAL, "mobile": NEW_MOBILE, "captcha_0": "key", "captcha_1": "PASSED"}

    sent = applicant_client.post(
        url, {**typed, "action": "send_code", "version": helpers.version(applicant_client)}
    )
    assert "短信验证码已发送至新手机号码" in sent.content.decode()
    wrong = applicant_client.post(
        url,
        {
            **typed,
            "action": "verify_mobile",
            "sms_code": "000000",
            "version": helpers.version(applicant_client),
        },
    )
    assert "短信验证码不正确" in wrong.content.decode() or last_code_for(NEW_MOBILE) == "000000"
    verified = applicant_client.post(
        url,
        {
            **typed,
            "action": "verify_mobile",
            "sms_code": last_code_for(NEW_MOBILE),
            "version": helpers.version(applicant_client),
        },
    )

    assert "新手机号码已验证。" in verified.content.decode()
    personal = Submission.objects.get(applicant=applicant_client.applicant).answers["personal"]
    assert personal["_verified_mobiles"] == [NEW_MOBILE]
    assert personal["mobile"] == NEW_MOBILE
    assert personal["residence_address"] == helpers.PERSONAL["residence_address"]  # what was typed is kept
