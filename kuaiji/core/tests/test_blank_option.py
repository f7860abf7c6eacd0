"""No select on any page offers Django's "---------" empty option; an empty choice reads "请选择".

Requirements covered (issue 8, defect 19): every page form, for an anonymous visitor, an applicant and a
member of staff, is rendered without "---------".
"""

from django import forms

import pytest

from kuaiji.core.tests.test_page_fuzz import (  # noqa: F401 (the fixtures are used by name)
    ANONYMOUS_FORMS,
    APPLICANT_FORMS,
    STAFF_FORMS,
    applicant_client,
    staff_client,
)
from kuaiji.regions.models import Department

DASHES = "---------"
STAFF_PAGES = [path for _method, path, _fields in STAFF_FORMS]
APPLICANT_PAGES = [path for _method, path, _fields in APPLICANT_FORMS if "suggestion" not in path] + [
    "/collection/attachments/",
]
ANONYMOUS_PAGES = [path for _method, path, _fields in ANONYMOUS_FORMS if "divisions" not in path]


@pytest.mark.django_db
def test_a_model_choice_field_offers_please_choose(departments):
    field = forms.ModelChoiceField(queryset=Department.objects.all())

    assert next(iter(field.choices))[1] == "请选择"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_no_dashes_on_the_public_pages(client, departments, path):
    response = client.get(path)

    assert response.status_code == 200
    assert DASHES not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", APPLICANT_PAGES)
def test_no_dashes_on_the_applicant_pages(applicant_client, path):  # noqa: F811
    response = applicant_client.get(path, follow=True)

    assert response.status_code == 200
    assert DASHES not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", STAFF_PAGES)
def test_no_dashes_on_the_staff_pages(staff_client, path):  # noqa: F811
    response = staff_client.get(path)

    assert response.status_code == 200
    assert DASHES not in response.content.decode()
