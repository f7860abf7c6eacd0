"""The dashboard's figures against a small data set counted by hand, within each staff member's scope
(personnel by department, qualification, education, accounting post, unit nature, sex and age band); the
page draws its charts from the same numbers, the XLSX holds them too, and the page costs a fixed number of
queries whatever the rows."""

import io
import random
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

import pytest
from python_calamine import CalamineWorkbook

from kuaiji.audit.models import AuditEvent
from kuaiji.collection.models import Revision
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.core.constants import Sex
from kuaiji.core.fakes import fake_resident_id
from kuaiji.reporting import selectors
from kuaiji.reporting.services import refresh_statistics
from kuaiji.review.models import Decision

pytestmark = pytest.mark.django_db
rng = random.Random(4)
TODAY = date(2026, 12, 2)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def figure(figures, key):
    return next(item for item in figures if item.key == key).rows


def test_personnel_by_qualification_education_sex_and_age_in_scope(make_record, reviewer_for):
    people = [
        (Sex.MALE, date(1990, 1, 1), "none", "bachelor"),  # 36: 30–39
        (Sex.FEMALE, date(1980, 6, 1), "intermediate", "master"),  # 46: 40–49
        (Sex.FEMALE, date(2000, 1, 1), "none", "bachelor"),  # 26: under 30
    ]
    for sex, born, qualification, education in people:
        number = fake_resident_id(rng=rng, sex=sex, birth_date=born)
        make_record(document_number=number, qualification_level=qualification, education_level=education)
    make_record(
        "632801", document_number=fake_resident_id(rng=rng, sex=Sex.MALE, birth_date=date(1960, 1, 1))
    )
    refresh_statistics()
    county = reviewer_for("630102").staff
    figures = selectors.personnel_figures(county, today=TODAY)
    [(name, count)] = figure(figures, "department")  # 城东区's own department only
    assert count == 3 and "城东" in name
    assert sorted(figure(figures, "qualification")) == [["中级", 1], ["无", 2]]
    assert sorted(figure(figures, "education")) == [["大学本科", 2], ["硕士研究生", 1]]
    assert sorted(figure(figures, "sex")) == [["女", 2], ["男", 1]]
    assert figure(figures, "age") == [
        ["30 岁以下", 1],
        ["30–39 岁", 1],
        ["40–49 岁", 1],
        ["50–59 岁", 0],
        ["60 岁及以上", 0],
    ]

    province = reviewer_for("630000").staff
    figures = selectors.personnel_figures(province, today=TODAY)
    assert sum(count for _, count in figure(figures, "department")) == 4
    assert dict(figure(figures, "age"))["60 岁及以上"] == 1


def test_review_time_in_working_days_and_the_share_on_time(reviewer_for):
    province = reviewer_for("630000")
    quick, slow = (SubmissionFactory.create(approved=True) for _ in range(2))
    # Submitted Monday 2 November; decided on Wednesday the 4th (2 working days, due the 6th: on time) and on
    # Monday the 16th (10 working days: late).
    for submission, decided, due in (
        (quick, datetime(2026, 11, 4, 10, tzinfo=SHANGHAI), date(2026, 11, 6)),
        (slow, datetime(2026, 11, 16, 10, tzinfo=SHANGHAI), date(2026, 11, 6)),
    ):
        Revision.objects.filter(submission=submission).update(
            submitted_at=datetime(2026, 11, 2, 9, tzinfo=SHANGHAI), due_on=due
        )
        Decision.objects.filter(submission=submission).update(decided_at=decided)
    figures = selectors.review_figures(province.staff, today=TODAY)
    [department] = figure(figures, "review_department")
    assert department[1:] == [2, 6, 10, "50.0%"]
    assert sum(row[1] for row in figure(figures, "review_reviewer")) == 2
    pending = SubmissionFactory.create(submitted=True)
    assert pending.status == "pending"
    backlog = figure(selectors.review_figures(province.staff, today=TODAY), "backlog")
    assert [row[1:] for row in backlog] == [[1, 0]]


def test_the_page_and_the_workbook_show_the_figures_and_are_audited(make_record, reviewer_for):
    make_record()
    county = reviewer_for("630102")
    page = county.get(reverse("reporting:dashboard")).content.decode()
    assert "统计分析" in page and 'data-chart="qualification"' in page and 'id="stats-data"' in page
    assert "vendor/echarts/echarts.min.js" in page
    download = county.get(reverse("reporting:download"))
    sheets = CalamineWorkbook.from_filelike(io.BytesIO(download.content))
    assert "专业技术资格" in sheets.sheet_names
    assert sheets.get_sheet_by_name("专业技术资格").to_python()[1] == ["无", 1]
    actions = set(AuditEvent.objects.filter(actor=county.staff).values_list("action", flat=True))
    assert {"statistics.viewed", "statistics.exported"} <= actions


def test_the_vendored_echarts_is_the_npm_package_the_lock_names():
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    npm = root / "node_modules" / "echarts" / "dist" / "echarts.min.js"
    if not npm.exists():
        pytest.skip("node_modules not installed (make test installs it)")
    assert (
        root / "kuaiji" / "static" / "vendor" / "echarts" / "echarts.min.js"
    ).read_bytes() == npm.read_bytes()


def test_personnel_by_accounting_post_and_unit_nature_in_scope(make_record, reviewer_for):
    for post, nature, employer in (
        ("accountant", "private_enterprise", "西宁虚构商贸有限公司"),
        ("accountant", "government", "西宁市虚构局"),
        ("clerk", "state_enterprise", "西宁虚构能源有限公司"),
        ("none", "", ""),  # no work unit
        ("", "", "西宁虚构商贸有限公司"),  # archived before the answers were copied: neither filled in
    ):
        make_record(accounting_post=post, employer_nature=nature, employer_name=employer)
    make_record("632801", accounting_post="senior", employer_nature="government")  # 格尔木
    refresh_statistics()
    county = reviewer_for("630102").staff
    figures = selectors.personnel_figures(county, today=TODAY)
    # In the order of the choices, then what was not filled in.
    assert figure(figures, "accounting_post") == [["无", 1], ["会计员", 1], ["会计师", 2], ["未填写", 1]]
    assert figure(figures, "employer_nature") == [
        ["机关", 1],
        ["国有企业", 1],
        ["民营企业", 1],
        ["无工作单位", 1],
        ["未填写", 1],
    ]

    province = reviewer_for("630000").staff
    figures = selectors.personnel_figures(province, today=TODAY)
    assert dict(figure(figures, "accounting_post"))["高级会计师"] == 1
    assert dict(figure(figures, "employer_nature"))["机关"] == 2
    for key in ("accounting_post", "employer_nature"):  # the same people as the other figures
        assert sum(count for _, count in figure(figures, key)) == 6


def test_the_page_and_the_workbook_show_the_post_and_the_unit_nature(make_record, reviewer_for):
    make_record(accounting_post="assistant", employer_nature="public_institution")
    make_record("632801", accounting_post="senior", employer_nature="government")
    county = reviewer_for("630102")
    page = county.get(reverse("reporting:dashboard")).content.decode()
    assert 'data-chart="accounting_post"' in page and 'data-chart="employer_nature"' in page
    assert "助理会计师" in page and "事业单位" in page and "高级会计师" not in page
    sheets = CalamineWorkbook.from_filelike(io.BytesIO(county.get(reverse("reporting:download")).content))
    assert sheets.get_sheet_by_name("会计专业技术职务").to_python() == [
        ["会计专业技术职务", "人数"],
        ["助理会计师", 1],
    ]
    assert sheets.get_sheet_by_name("单位性质").to_python() == [["单位性质", "人数"], ["事业单位", 1]]


# The page: the user with their roles, the OTP device, the snapshot, the scope (one recursive read), the
# summary's people per department and per dimension (2, whatever the number of figures: decision 0026),
# submissions per month (from the summary), the decisions, the backlog, the audit row. The working-day
# table comes from the reference cache after the first request. Counted live, the personnel figures were
# one aggregate each (14 queries then).
DASHBOARD_QUERIES = 10


def test_the_dashboard_costs_a_fixed_number_of_queries(make_record, reviewer_for, django_assert_num_queries):
    for code in ("630102", "630102", "632801"):
        make_record(code, accounting_post="clerk", employer_nature="government")
    province = reviewer_for("630000")
    province.get(reverse("reporting:dashboard"))
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert province.get(reverse("reporting:dashboard")).status_code == 200
    make_record("632801", accounting_post="senior", employer_nature="other")  # more rows, more groups
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert province.get(reverse("reporting:dashboard")).status_code == 200
