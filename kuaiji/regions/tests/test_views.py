"""Requirements covered: ``GET /regions/divisions/?parent=<code>`` answers the cascading address pickers
with the divisions in force (provinces without ``parent``), as JSON cacheable publicly for a day;
malformed codes are refused and unknown ones are not found.
"""

from django.urls import reverse

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("kuaiji.regions.tests.urls")]


def test_url():
    assert reverse("regions:division-list") == "/regions/divisions/"


def test_provinces(client):
    response = client.get("/regions/divisions/")
    assert response.status_code == 200
    divisions = response.json()["divisions"]
    assert divisions[0] == {"code": "110000", "name": "北京市", "has_children": True}
    assert {"code": "630000", "name": "青海省", "has_children": True} in divisions


def test_children_of_qinghai_and_xining(client):
    qinghai = client.get("/regions/divisions/", {"parent": "630000"}).json()["divisions"]
    assert qinghai[0] == {"code": "630100", "name": "西宁市", "has_children": True}
    xining = client.get("/regions/divisions/", {"parent": "630100"}).json()["divisions"]
    assert {"code": "630106", "name": "湟中区", "has_children": False} in xining
    assert all(d["code"] != "630122" for d in xining)


def test_province_administered_counties_under_hainan(client):
    hainan = client.get("/regions/divisions/", {"parent": "460000"}).json()["divisions"]
    assert {"code": "469001", "name": "五指山市", "has_children": False} in hainan


def test_cacheable_for_a_day(client):
    response = client.get("/regions/divisions/", {"parent": "630000"})
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=86400"} <= cache_control
    assert response["Content-Type"] == "application/json"


def test_query_count(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/regions/divisions/", {"parent": "630000"})
    assert response.status_code == 200
    assert response.json()["divisions"]


@pytest.mark.parametrize("parent", ["63", "abcdef", "6300000"])
def test_malformed_parent(client, parent):
    assert client.get("/regions/divisions/", {"parent": parent}).status_code == 400


def test_unknown_parent(client):
    assert client.get("/regions/divisions/", {"parent": "999999"}).status_code == 404


def test_only_get(client):
    assert client.post("/regions/divisions/").status_code == 405
