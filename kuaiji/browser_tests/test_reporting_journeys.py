"""A reviewer opens the statistics dashboard (phone and desktop): the charts are drawn by the vendored
ECharts under the site's CSP, and each has its table beside it. A department's personnel export
(导出本部门人员) from the archive search page."""

import random
from datetime import date
from pathlib import Path

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
            accounting_post=("none", "clerk", "accountant")[index % 3],
            employer_name="西宁虚构商贸有限公司",
            employer_nature=("state_enterprise", "private_enterprise")[index % 2],
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
    expect(page.locator('[data-chart="accounting_post"] svg')).to_be_visible()
    expect(page.locator('[data-chart="employer_nature"] svg')).to_be_visible()
    expect(page.locator("#figure-accounting_post").locator("xpath=..")).to_contain_text("会计师")
    expect(
        page.locator("#figure-qualification + div + .table-wrap, #figure-qualification ~ .table-wrap").first
    ).to_contain_text("初级")
    shot(page, "dashboard")


def test_a_department_exports_its_personnel(page: Page, shot, reviewer):
    staff_sign_in(page, reviewer)
    page.goto("/archive/")
    form = page.get_by_role("form", name="导出本部门人员")
    expect(form.get_by_label("会计管理部门")).to_have_value(str(reviewer.department_id))  # one's own
    form.get_by_label("会计管理部门").select_option(label="西宁市城东区财政局会计股")
    form.get_by_label("导出格式").select_option("csv")
    shot(page, "department-export")
    with page.expect_download() as download:
        form.get_by_role("button", name="导出本部门人员").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("姓名,证件号码,") and len(text.strip().splitlines()) == 1 + 6  # 城东区's six
