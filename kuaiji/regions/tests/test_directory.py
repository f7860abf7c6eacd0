"""Requirements covered: the public contact directory 咨询电话 (``/regions/directory/``, no sign-in) lists
every active department with its level, covered region, address, phones as ``tel:`` links and office
hours, grouped by the tree (province → prefecture → county); ``?q=`` searches names, regions and
addresses on the server; inactive departments are hidden (those below them move up to the nearest active
department); the sign-in page and every page's footer link to it.
"""

from django.urls import reverse

import pytest

from kuaiji.regions.directory_views import contact_directory, phones_of
from kuaiji.regions.models import Department

pytestmark = pytest.mark.django_db

URL = "/regions/directory/"


def names(sections) -> list[str]:
    listed = []
    for section in sections:
        if section.root is not None:
            listed.append(section.root.department.name)
        listed.extend(entry.department.name for group in section.groups for entry in group.entries)
    return listed


def test_url():
    assert reverse("regions:directory") == URL


def test_lists_every_demo_department_publicly(client, departments):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for department in departments.values():
        assert department.name in page
    assert 'href="tel:09715550201"' in page
    assert ">0971-5550201</a>" in page
    assert "周一至周五" in page
    assert "城东区示例路 1 号（虚构地址）" in page
    assert "管辖：青海省 西宁市 城东区" in page
    assert "县级会计管理部门" in page


def test_grouped_by_the_tree(departments):
    (qinghai,) = contact_directory()
    assert qinghai.title == "青海省"
    assert qinghai.root.department == departments["630000"]
    xining = next(group for group in qinghai.groups if group.title == "西宁市")
    assert [entry.department for entry in xining.entries] == [
        departments[code] for code in ("630100", "630102", "630103", "630106", "630121")
    ]
    assert [entry.depth for entry in xining.entries] == [1, 2, 2, 2, 2]
    haixi = next(group for group in qinghai.groups if group.entries[0].department == departments["632800"])
    assert {entry.department for entry in haixi.entries[1:]} == {departments["632801"], departments["632802"]}


def test_search_by_name_or_region(client, departments):
    page = client.get(URL, {"q": "格尔木"}).content.decode()
    assert "格尔木市财政局会计股" in page
    assert "德令哈市财政局会计股" not in page
    assert "城东区财政局" not in page
    assert "找到 1 个" in page
    assert 'value="格尔木"' in page
    # The covered region counts too: 城东区's name says 西宁市, the Haixi prefecture's region says 海西.
    assert names(contact_directory(query="海西")) == [
        departments[code].name for code in ("632800", "632801", "632802")
    ]
    assert departments["630000"].name not in names(contact_directory(query="西宁"))
    assert departments["630102"].name in names(contact_directory(query="西宁"))


def test_search_without_results(client, departments):
    page = client.get(URL, {"q": "没有这个地方"}).content.decode()
    assert "没有找到与“没有这个地方”相关的部门" in page


def test_inactive_departments_are_hidden(client, departments):
    Department.objects.filter(pk=departments["630102"].pk).update(is_active=False)
    page = client.get(URL).content.decode()
    assert departments["630102"].name not in page
    assert departments["630103"].name in page


def test_departments_below_an_inactive_one_move_up(departments):
    Department.objects.filter(pk=departments["632800"].pk).update(is_active=False)
    listed = names(contact_directory())
    assert departments["632800"].name not in listed
    (qinghai,) = contact_directory()
    golmud = next(group for group in qinghai.groups if group.title == "格尔木市")
    assert golmud.entries[0].department == departments["632801"]


def test_phones_become_tel_links():
    department = Department(phones="0971-5550201，0971 555 0202转8; +86 10 5550203")
    assert [(phone.shown, phone.href) for phone in phones_of(department)] == [
        ("0971-5550201", "tel:09715550201"),
        ("0971 555 0202转8", "tel:09715550202"),
        ("+86 10 5550203", "tel:+86105550203"),
    ]


def test_query_count(client, departments, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(URL, {"q": "西宁"})
    assert response.status_code == 200
    assert "西宁" in response.content.decode()


def test_linked_from_the_sign_in_page_and_the_footer(client, departments):
    sign_in = client.get(reverse("accounts:sign_in")).content.decode()
    assert sign_in.count(f'href="{URL}"') == 2  # in the page and in the footer
    assert f'href="{URL}"' in client.get(URL).content.decode()
