"""Bad input on the pages never gives a server error.

Requirements covered:
- a ``version`` that is not a number on the wizard's notice, section and check pages is answered like a
  stale version (the page says the draft changed elsewhere), not a 500;
- a huge number in the review queue's ``department`` filter lists nothing instead of overflowing;
- NUL and other control characters in a page's query (the search boxes of the review queue, the archive,
  the audit log, the contact directory) are refused with a Chinese 400 page, as the API refuses them;
- junk (hypothesis text, control characters, huge numbers) posted or sent over every page form, for an
  anonymous visitor, an applicant and a member of staff, never answers 5xx.
"""

from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.tests.factories import ApplicantFactory, StaffFactory, sign_in_staff

CONTROL_CHARACTERS = ["\x00", "\x01", "\x08", "\x1b", "\x7f"]
SEARCH_PAGES = [
    ("/review/", "q"),
    ("/archive/", "name"),
    ("/archive/", "document_number"),
    ("/audit/", "actor"),
    ("/regions/directory/", "q"),
]


@pytest.fixture
def applicant_client(departments):
    client = Client()
    client.force_login(ApplicantFactory(), backend="kuaiji.accounts.backends.ApplicantBackend")
    client.post(reverse("collection:start"))
    return client


@pytest.fixture
def staff_client(departments):
    staff = StaffFactory(department=departments["630000"])
    for role in (StaffRole.REVIEWER, StaffRole.AUDITOR):
        staff.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client()
    sign_in_staff(client, staff)
    return client


# --- the cases found by hand ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/collection/notice/", {"read": "1", "version": "abc"}),
        ("/collection/section/education/", {"version": "abc"}),
        ("/collection/section/personal/", {"version": "1e999", "full_name": "林晓芸"}),
        ("/collection/check/", {"commitment": "1", "version": "abc"}),
    ],
)
def test_a_version_that_is_not_a_number_is_a_stale_version(applicant_client, path, data):
    response = applicant_client.post(path, data, follow=True)

    assert response.status_code < 500
    assert "在其他窗口或设备上保存过" in response.content.decode() or response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("department", ["99999999999999999999999999", "9" * 400, "-1", "１２"])
def test_a_huge_department_number_in_the_queue_lists_nothing(staff_client, department):
    response = staff_client.get("/review/", {"department": department})

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "field"), SEARCH_PAGES)
@pytest.mark.parametrize("character", CONTROL_CHARACTERS)
def test_control_characters_in_a_search_box_are_refused_in_chinese(staff_client, path, field, character):
    response = staff_client.get(path, {field: f"林{character}晓"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "控制字符" in page
    assert 'href="/"' in page


# --- fuzz over every page form ----------------------------------------------------------------------------

JUNK = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["abc", "-1", "9" * 30, "1e999", "NaN", "\x00", "<script>", "' OR 1=1 --", "１２３"]),
    st.text(alphabet=st.characters(max_codepoint=0x20), max_size=5),
)

ANONYMOUS_FORMS = [
    ("post", "/sign-in/", ["login", "password", "captcha_0", "captcha_1", "next"]),
    ("post", "/staff/sign-in/", ["username", "password", "next"]),
    ("post", "/register/", ["document_type", "document_number", "full_name", "mobile", "sms_code", "action"]),
    ("post", "/password/reset/", ["document_type", "document_number", "full_name", "sms_code", "action"]),
    ("post", "/activate/", ["document_type", "document_number", "full_name", "mobile", "sms_code", "action"]),
    (
        "post",
        "/appeals/new/",
        ["reason", "full_name", "document_type", "document_number", "mobile", "action"],
    ),
    ("get", "/regions/directory/", ["q", "page"]),
    ("get", "/regions/divisions/", ["parent"]),
    (
        "post",
        "/lookup/",
        ["full_name", "document_type", "document_number", "captcha_0", "captcha_1", "action"],
    ),
]
APPLICANT_FORMS = [
    ("post", "/collection/notice/", ["read", "version"]),
    ("post", "/collection/section/personal/", ["full_name", "birth_date", "sex", "version", "action"]),
    ("post", "/collection/section/employer/", ["has_employer", "management_department", "version"]),
    ("post", "/collection/section/education/", ["education_level", "graduated_on", "version"]),
    ("post", "/collection/section/qualification/", ["qualification_level", "version"]),
    ("post", "/collection/check/", ["commitment", "version"]),
    ("get", "/collection/department-suggestion/", ["division"]),
    ("get", "/collection/section/personal/", ["errors"]),
]
STAFF_FORMS = [
    ("get", "/review/", ["status", "kind", "department", "from", "to", "q", "page"]),
    ("get", "/review/appeals/", ["status"]),
    ("get", "/archive/", ["name", "document_number", "employer", "credit_code", "department", "page"]),
    ("get", "/audit/", ["action", "actor", "target_id", "occurred_from", "occurred_to", "client_ip", "page"]),
    ("get", "/review/overdue/", ["department", "page"]),
]


def _fuzz(client, forms, data):
    form_index, values = data
    method, path, fields = forms[form_index % len(forms)]
    payload = dict(zip(fields, values, strict=False))
    response = getattr(client, method)(path, payload)
    assert response.status_code < 500, (method, path, payload)


def _junk_forms(forms):
    return st.tuples(
        st.integers(min_value=0, max_value=len(forms) - 1), st.lists(JUNK, min_size=7, max_size=7)
    )


FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)


@pytest.mark.django_db
@FUZZ
@given(data=_junk_forms(ANONYMOUS_FORMS))
def test_junk_over_the_public_forms_never_answers_5xx(client, data):
    _fuzz(client, ANONYMOUS_FORMS, data)


@pytest.mark.django_db
@FUZZ
@given(data=_junk_forms(APPLICANT_FORMS))
def test_junk_over_the_applicant_forms_never_answers_5xx(applicant_client, data):
    _fuzz(applicant_client, APPLICANT_FORMS, data)


@pytest.mark.django_db
@FUZZ
@given(data=_junk_forms(STAFF_FORMS))
def test_junk_over_the_staff_forms_never_answers_5xx(staff_client, data):
    _fuzz(staff_client, STAFF_FORMS, data)
