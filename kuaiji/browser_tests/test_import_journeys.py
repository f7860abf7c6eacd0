"""A provincial data officer imports an old register (phone and desktop): uploads the file, checks the
proposed columns, reads the report, imports, watches the bar at 100 % and downloads the refused lines.

In the tests the worker's tasks run at once (the immediate backend), so each step is over when its page
comes back; the polling script only runs while a step is under way (kuaiji/static/js/imports.js).
"""

import random

from django.contrib.auth.models import Group

import pytest
from playwright.sync_api import Page, expect

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.models import LegacyHolder
from kuaiji.accounts.tests.factories import StaffFactory
from kuaiji.core.fakes import fake_resident_id
from kuaiji.regions.demo import ensure_demo_departments
from kuaiji.regions.loader import load_divisions

from .test_review_journeys import staff_sign_in

rng = random.Random(31)


@pytest.fixture
def officer():
    load_divisions()  # the live server's flush took the data migrations' rows
    departments = ensure_demo_departments()
    staff = StaffFactory.create(department=departments["630000"], full_name="马数据")
    staff.groups.add(Group.objects.get_or_create(name=StaffRole.DATA_OFFICER)[0])
    return staff


def test_a_register_is_imported_and_its_refused_lines_downloaded(page: Page, shot, officer, tmp_path):
    good = [fake_resident_id(rng=rng) for _ in range(3)]
    register = tmp_path / "原会计证名册-2015.csv"
    register.write_text(
        "序号,持证人姓名,身份证号码,会计证号,单位名称\n"
        f"1,赵文彬,{good[0]},630100001,虚构会计师事务所\n"
        f"2,钱多多,6.30102E+17,630100002,虚构商贸有限公司\n"
        f"3,李𪚥,{good[1]},630100003,\n"
        f"4,阿依古丽·买买提,{good[2]},630100004,虚构农牧合作社\n"
        f"5,赵文彬,{good[0]},630100005,\n",
        encoding="gb18030",
    )
    staff_sign_in(page, officer)
    page.get_by_role("navigation", name="工作人员").get_by_role("link", name="原有人员导入").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("原有人员导入")
    shot(page, "imports")

    page.get_by_label("名单文件").set_input_files(str(register))
    page.get_by_role("button", name="上传并检查表头").click()
    expect(page.get_by_role("heading", name="确认各列的内容")).to_be_visible()
    expect(page.get_by_label("姓名（必填）")).to_have_value("1")
    expect(page.get_by_label("证件号码（必填）")).to_have_value("2")
    expect(page.locator(".import-preview")).to_contain_text("李𪚥")
    shot(page, "mapping")

    page.get_by_role("button", name="确认并检查每一行").click()
    expect(page.locator("#import-state-label")).to_have_text("已检查，待导入")
    expect(page.locator(".import-problems")).to_contain_text("Excel")
    expect(page.locator(".import-problems")).to_contain_text("与第 2 行的证件号码重复")
    shot(page, "checked")

    page.get_by_role("button", name="导入 3 名人员").click()
    expect(page.locator("#import-state-label")).to_have_text("已导入")
    expect(page.locator("#import-progress")).to_have_attribute("value", "100")
    expect(page.locator("#import-progress-text")).to_contain_text("已导入 3 / 3 行（100%）")
    shot(page, "done")
    assert LegacyHolder.objects.count() == 3

    with page.expect_download() as download:
        page.get_by_role("link", name="下载全部问题行（Excel，含原因列）").click()
    assert download.value.suggested_filename == "原会计证名册-2015-不予导入.xlsx"
