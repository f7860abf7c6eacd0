"""通知公告 for the visitor's province: with more than one provincial department on the platform, the public
list offers a choice of province, a signed-in person sees their own province's notices first, and 全部省份
shows all. With one province there is nothing to choose."""

from django.urls import reverse

import pytest

from kuaiji.announcements.tests.factories import AnnouncementFactory
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.regions.constants import DepartmentLevel
from kuaiji.regions.models import Department, Division

pytestmark = pytest.mark.django_db


@pytest.fixture
def beijing(departments):
    return Department.objects.create(
        name="北京市财政局（虚构）",
        level=DepartmentLevel.PROVINCE,
        division=Division.objects.get(code="110000"),
    )


def titles(response) -> set[str]:
    html = response.content.decode()
    return {title for title in ("青海的通知", "城东区的通知", "北京的通知") if title in html}


def test_one_province_lists_everything_without_a_choice(departments, client):
    AnnouncementFactory(title="城东区的通知")
    response = client.get(reverse("announcements:list"))
    assert titles(response) == {"城东区的通知"} and 'id="f-province"' not in response.content.decode()


def test_a_visitor_chooses_a_province_and_a_signed_in_person_starts_with_theirs(departments, beijing, client):
    AnnouncementFactory(title="青海的通知", department=departments["630000"])
    AnnouncementFactory(title="城东区的通知", department=departments["630102"])
    AnnouncementFactory(title="北京的通知", department=beijing)

    page = client.get(reverse("announcements:list"))
    assert titles(page) == {"青海的通知", "城东区的通知", "北京的通知"}  # nobody known: every province
    assert '<option value="110000">北京市财政局（虚构）</option>' in page.content.decode()
    chosen = client.get(reverse("announcements:list"), {"province": "110000"})
    assert titles(chosen) == {"北京的通知"}
    assert '<option value="110000" selected>' in chosen.content.decode()
    assert titles(client.get(reverse("announcements:list"), {"province": "999999"})) == titles(page)

    applicant = SubmissionFactory(submitted=True).applicant  # routed to 青海's provincial department
    client.force_login(applicant, backend="kuaiji.accounts.backends.ApplicantBackend")
    assert titles(client.get(reverse("announcements:list"))) == {"青海的通知", "城东区的通知"}
    everything = client.get(reverse("announcements:list"), {"province": "all"})
    assert titles(everything) == {"青海的通知", "城东区的通知", "北京的通知"}
