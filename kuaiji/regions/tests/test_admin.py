"""Requirements covered: the admin lists divisions read-only (searchable by code and name) and lets
platform administrators edit departments.
"""

from django.urls import reverse

import pytest

from kuaiji.regions.demo import ensure_demo_departments

pytestmark = pytest.mark.django_db


def test_divisions_are_searchable_and_read_only(admin_client):
    url = reverse("admin:regions_division_changelist")
    response = admin_client.get(url, {"q": "湟中"})
    assert response.status_code == 200
    assert "630106" in response.content.decode()
    assert admin_client.get(reverse("admin:regions_division_add")).status_code == 403
    change = admin_client.get(reverse("admin:regions_division_change", args=["630106"]))
    assert change.status_code == 200
    assert 'name="name"' not in change.content.decode()


def test_departments_are_listed_and_editable(admin_client):
    demo = ensure_demo_departments()
    response = admin_client.get(reverse("admin:regions_department_changelist"), {"level__exact": "county"})
    assert response.status_code == 200
    assert "格尔木市财政局会计股" in response.content.decode()
    change = admin_client.get(reverse("admin:regions_department_change", args=[demo["632801"].pk]))
    assert 'name="phones"' in change.content.decode()
