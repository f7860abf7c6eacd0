"""Plausibility warnings: graduation before birth, accounting work before 16, a degree above the level.

Requirements covered (issue 8, defect 19): ``plausibility_warnings`` finds each case and nothing on
ordinary answers; the check page shows the warnings and submits only once the applicant ticks
"以上信息无误，确认提交"; without warnings no tick is asked for.
"""

from django.urls import reverse

import pytest

from kuaiji.collection.constants import Status
from kuaiji.collection.plausibility import CONFIRMATION_LABEL, plausibility_warnings

from . import helpers


def answers(
    *, birth="1990-03-14", graduated="2012-06-30", started="2012-07", level="bachelor", degree="bachelor"
):
    return {
        "personal": {"birth_date": birth},
        "education": {"graduated_on": graduated, "level": level, "degree": degree, "part_time": []},
        "employer": {"started_accounting_on": started},
    }


def test_ordinary_answers_give_no_warning():
    assert plausibility_warnings(answers()) == []
    assert plausibility_warnings({}) == []


def test_a_graduation_before_birth_is_a_warning():
    (warning,) = plausibility_warnings(answers(graduated="1989-06-30", started="2012-07"))

    assert "毕业日期" in warning and "早于出生日期" in warning


def test_a_part_time_graduation_before_birth_is_a_warning():
    data = answers()
    data["education"]["part_time"] = [{"graduated_on": "1980-01-01"}]

    assert any("非全日制学历" in w for w in plausibility_warnings(data))


@pytest.mark.parametrize(("started", "warned"), [("2006-02", True), ("2006-03", False), ("2010-01", False)])
def test_accounting_work_before_sixteen_is_a_warning(started, warned):
    warnings = plausibility_warnings(answers(started=started))

    assert any("未满 16 周岁" in w for w in warnings) is warned


@pytest.mark.parametrize(
    ("level", "degree", "warned"),
    [
        ("junior_college", "bachelor", True),
        ("bachelor", "master", True),
        ("master", "doctorate", True),
        ("high_school", "none", False),
        ("bachelor", "bachelor", False),
        ("doctorate", "master", False),
    ],
)
def test_a_degree_above_the_education_level_is_a_warning(level, degree, warned):
    warnings = plausibility_warnings(answers(level=level, degree=degree))

    assert any("通常不对应" in w for w in warnings) is warned


# --- the check page ---------------------------------------------------------------------------------------


def test_the_check_page_shows_the_warnings_and_asks_for_the_tick(applicant_client, fill):
    submission = fill(
        applicant_client.applicant,
        education={**helpers.EDUCATION, "level": "junior_college", "degree": "master"},
    )

    page = applicant_client.get(reverse("collection:check")).content.decode()
    refused = applicant_client.post(
        reverse("collection:check"), {"commitment": "1", "version": submission.version}
    )

    assert "通常不对应" in page and CONFIRMATION_LABEL in page
    assert refused.status_code == 400 and "以上信息无误" in refused.content.decode()
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT

    accepted = applicant_client.post(
        reverse("collection:check"),
        {"commitment": "1", "plausibility_confirmed": "1", "version": submission.version},
    )

    assert accepted.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Status.PENDING


def test_without_warnings_no_tick_is_asked(applicant_client, fill):
    submission = fill(applicant_client.applicant)

    page = applicant_client.get(reverse("collection:check")).content.decode()
    response = applicant_client.post(
        reverse("collection:check"), {"commitment": "1", "version": submission.version}
    )

    assert CONFIRMATION_LABEL not in page
    assert response.status_code == 302
