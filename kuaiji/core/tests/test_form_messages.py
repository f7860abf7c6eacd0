"""The messages the main forms show are ours.

Requirements covered:
- the error messages rendered by the main forms (registration, sign-in, password reset, activation,
  appeal, the public lookup, password change, the wizard's sections), filled with nothing, with junk, with a NUL, with a
  common password, never show Django's default text ("这个字段是必须的", "这个密码太常见了。",
  "不允许是用空字符串。", "选择一个有效的选项") and never a doubled full stop "。。".
"""

import re

from django.test import Client

import pytest

from kuaiji.accounts.tests.factories import ApplicantFactory

DJANGO_DEFAULTS = [
    "这个字段是必须的",
    "这个密码太常见了",
    "不允许是用空字符串",
    "选择一个有效的选项",
    "输入一个有效的",
]
FORMS = [
    (
        "/register/",
        ["document_type", "document_number", "full_name", "mobile", "sms_code", "password1", "password2"],
    ),
    ("/sign-in/", ["login", "password"]),
    (
        "/password/reset/",
        ["document_type", "document_number", "full_name", "sms_code", "password1", "password2"],
    ),
    (
        "/activate/",
        ["document_type", "document_number", "full_name", "mobile", "sms_code", "password1", "password2"],
    ),
    ("/appeals/new/", ["reason", "full_name", "document_type", "document_number", "mobile", "sms_code"]),
    ("/lookup/", ["full_name", "document_type", "document_number"]),
]
APPLICANT_FORMS = [
    ("/account/", ["old_password", "password1", "password2"]),
    ("/collection/section/personal/", ["full_name", "sex", "birth_date", "ethnicity", "political_status"]),
    ("/collection/section/employer/", ["has_employer", "management_department", "started_accounting_on"]),
    ("/collection/section/education/", ["education_level", "graduated_on", "school"]),
    ("/collection/section/qualification/", ["qualification_level", "accounting_post", "abacus_level"]),
]
FILLINGS = {
    "nothing": lambda field: "",
    "junk": lambda field: "zz",
    "nul": lambda field: "李\x00四",
    "common password": lambda field: "password1" if field.startswith("password") else "x",
}


def error_texts(response) -> list[str]:
    page = response.content.decode()
    texts = re.findall(r'class="[^"]*(?:error|notice)[^"]*"[^>]*>(.*?)</', page, flags=re.S)
    summary = response.context.get("error_summary") if response.context else None
    return texts + [message for _anchor, message in (summary or [])]


def assert_our_messages(response, where) -> None:
    page = response.content.decode()
    assert response.status_code < 500, where
    for text in DJANGO_DEFAULTS:
        assert text not in page, (where, text)
    assert "。。" not in page, where
    assert error_texts(response), where  # the form did refuse: something to look at


@pytest.mark.django_db
@pytest.mark.parametrize("filling", FILLINGS)
@pytest.mark.parametrize(("path", "fields"), FORMS)
def test_public_forms_show_only_our_messages(client, path, fields, filling):
    data = {field: FILLINGS[filling](field) for field in fields}
    response = client.post(path, {**data, "captcha_0": "x", "captcha_1": "PASSED", "action": "submit"})
    assert_our_messages(response, (path, filling))


@pytest.mark.django_db
@pytest.mark.parametrize("filling", FILLINGS)
@pytest.mark.parametrize(("path", "fields"), APPLICANT_FORMS)
def test_applicant_forms_show_only_our_messages(departments, path, fields, filling):
    client = Client()
    client.force_login(ApplicantFactory(), backend="kuaiji.accounts.backends.ApplicantBackend")
    client.post("/collection/start/")
    data = {field: FILLINGS[filling](field) for field in fields}
    response = client.post(path, {**data, "version": "0", "action": "save"}, follow=True)
    assert_our_messages(response, (path, filling))
