"""A reviewer opens the statistics dashboard (phone and desktop): the charts are drawn by the vendored
ECharts under the site's CSP, and each has its table beside it."""

import random
from datetime import date

from django.contrib.auth.models import Group

import pytest
from playwright.sync_api import Page, expect

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.tests.factories import ApplicantFactory, StaffFactory
from kuaiji.archive.models import ArchiveRecord
from kuaiji.core.constants import Sex
from kuaiji.core.fakes import fake_resident_id
from kuaiji.regions.demo import ensure_demo_departments
from kuaiji.regions.loader import load_divisions

from .test_review_journeys import staff_sign_in

rng = random.Random(8)


@pytest.fixture
def reviewer():
    load_divisions()
    departments = ensure_demo_departments()
    for index in range(12):
        person = ApplicantFactory(
            document_number=fake_resident_id(
                rng=rng, sex=Sex.MALE if index % 3 else Sex.FEMALE, birth_date=date(1970 + index * 3, 5, 1)
            )
        )
        ArchiveRecord.objects.create(
            person=person,
            full_name=person.full_name,
            document_type=person.document_type,
            document_number=person.document_number,
            department=departments["630102" if index % 2 else "630103"],
            qualification_level=("none", "junior", "intermediate")[index % 3],
            education_level=("bachelor", "master", "junior_college")[index % 3],
        )
    staff = StaffFactory.create(department=departments["630000"])
    staff.groups.add(Group.objects.get_or_create(name=StaffRole.REVIEWER)[0])
    return staff


def test_the_dashboard_draws_its_charts(page: Page, shot, reviewer):
    staff_sign_in(page, reviewer)
    page.get_by_role("navigation", name="工作人员").get_by_role("link", name="统计分析").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("统计分析")
    expect(page.locator('[data-chart="qualification"] svg')).to_be_visible()
    expect(page.locator('[data-chart="age"] svg')).to_be_visible()
    expect(
        page.locator("#figure-qualification + div + .table-wrap, #figure-qualification ~ .table-wrap").first
    ).to_contain_text("初级")
    shot(page, "dashboard")
