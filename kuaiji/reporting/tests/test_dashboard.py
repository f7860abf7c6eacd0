"""The dashboard's figures against a small data set counted by hand, within each staff member's scope;
the page draws its charts from the same numbers and the XLSX holds them too."""

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
