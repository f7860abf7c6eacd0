"""The applicant API's steps inside a section, as the pages have them: a new mobile in 个人信息 is
verified with a code sent to it (after the picture captcha) before the section takes it — a wrong code,
a bad number, a used code and a stale version are refused with the field or 409; and a unit's facts
come from its unified social credit code once an approved record has it (404 otherwise)."""

import pytest

from kuaiji.accounts.models import SmsCode
from kuaiji.accounts.tests.factories import ApplicantFactory
from kuaiji.accounts.tests.helpers import last_code_for
from kuaiji.collection.tests import helpers
from kuaiji.collection.tests.factories import SubmissionFactory

from .test_applicant_api import API, assert_error, bearer, captcha, post_json, put_json, sign_in

NEW_MOBILE = "13987654321"


@pytest.fixture
def auth(client, db) -> dict:
    applicant = ApplicantFactory(full_name="林晓芸")
    return bearer(sign_in(client, applicant.document_number))


@pytest.fixture
def draft(client, auth, departments) -> dict:
    response = client.post(API + "/me/submission", **auth)
    assert response.status_code == 201
    return response.json()


def save_personal(client, auth, version, mobile):
    data = {**helpers.PERSONAL, "mobile": mobile}
    return put_json(client, "/me/submission/sections/personal", {"version": version, "data": data}, **auth)


@pytest.mark.django_db
def test_a_new_mobile_is_verified_before_personal_takes_it(client, auth, draft):
    version = draft["version"]
    refused = assert_error(save_personal(client, auth, version, NEW_MOBILE), 400, "invalid")
    assert "mobile" in refused["errors"]
    version = refused["version"]

    no_captcha = post_json(client, "/me/submission/mobile/sms-codes", {"mobile": NEW_MOBILE}, **auth)
    assert "captcha_answer" in assert_error(no_captcha, 400, "invalid")["errors"]
    sent = post_json(
        client, "/me/submission/mobile/sms-codes", {"mobile": NEW_MOBILE, **captcha(client)}, **auth
    )
    assert sent.status_code == 202, sent.content
    code = last_code_for(NEW_MOBILE)

    def verify(**body):
        return post_json(client, "/me/submission/mobile", {"version": version, **body}, **auth)

    wrong = verify(mobile=NEW_MOBILE, sms_code="000000" if code != "000000" else "111111")
    assert assert_error(wrong, 400, "invalid")["errors"]["sms_code"][0].startswith("短信验证码不正确")
    bad = assert_error(verify(mobile="1398765", sms_code=code), 400, "invalid")
    assert bad["errors"] == {"mobile": ["手机号码应为 11 位数字，请核对"]}
    assert_error(
        post_json(
            client,
            "/me/submission/mobile",
            {"version": version - 1, "mobile": NEW_MOBILE, "sms_code": code},
            **auth,
        ),
        409,
        "conflict",
    )
    assert SmsCode.objects.get(mobile=NEW_MOBILE).used_at is None  # the conflict did not use it up

    verified = verify(mobile=NEW_MOBILE, sms_code=code)
    assert verified.status_code == 200, verified.content
    assert verified.json() == {"version": version + 1}
    version += 1
    assert "sms_code" in assert_error(verify(mobile=NEW_MOBILE, sms_code=code), 400)["errors"]  # used up

    saved = save_personal(client, auth, version, NEW_MOBILE)
    assert saved.status_code == 200, saved.content
    assert saved.json()["answers"]["mobile"] == NEW_MOBILE


@pytest.mark.django_db
def test_the_steps_need_an_open_submission(client, auth):
    sent = post_json(
        client, "/me/submission/mobile/sms-codes", {"mobile": NEW_MOBILE, **captcha(client)}, **auth
    )
    assert_error(sent, 404, "not_found")
    assert not SmsCode.objects.filter(mobile=NEW_MOBILE).exists()
    assert_error(client.get(API + "/me/submission/known-employer", {"credit_code": "x"}, **auth), 404)
    assert client.get(API + "/me/submission/known-employer").status_code == 401


@pytest.mark.django_db
def test_a_known_unit_comes_from_its_credit_code(client, auth, draft):
    def lookup(code):
        return client.get(API + "/me/submission/known-employer", {"credit_code": code}, **auth)

    assert_error(lookup(helpers.CREDIT_CODE), 404, "not_found")  # no approved record yet
    SubmissionFactory.create(approved=True)

    response = lookup(helpers.CREDIT_CODE.lower())
    assert response.status_code == 200, response.content
    assert response.json()["data"] == {
        "employer_name": "西宁虚构商贸有限公司",
        "employer_nature": "private_enterprise",
        "employer_address": "虚构大街 8 号",
        "employer_division_0": "630000",
        "employer_division_1": "630100",
        "employer_division_2": "630102",
    }
    assert_error(lookup("not-a-code"), 404, "not_found")
