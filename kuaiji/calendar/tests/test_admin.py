"""Requirements covered: staff edit the holidays and make-up working days in the admin (filterable by
year, kind and source); whatever they save is marked ``staff`` so re-seeding keeps it; the admin warns
while this year's or next year's holiday schedule has not been entered.
"""

from datetime import date

from django.urls import reverse
from django.utils import timezone

import pytest

from kuaiji.calendar.constants import DayKind, DaySource
from kuaiji.calendar.models import ScheduleYear, SpecialDay

pytestmark = pytest.mark.django_db


def _warning(year: int) -> str:
    return f"{year} 年的节假日安排尚未录入，该年的工作日暂按周一至周五计算，请在国务院办公厅公布后及时录入。"


def test_special_days_are_listed_with_filters(admin_client):
    url = reverse("admin:work_calendar_specialday_changelist")
    response = admin_client.get(url, {"year": "2026", "kind__exact": "workday"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "2026年10月10日" in content
    assert "星期六" in content
    assert response.context["cl"].result_count == 6


def test_saving_in_the_admin_marks_the_day_as_staff(admin_client):
    day = SpecialDay.objects.get(date=date(2026, 10, 10))
    response = admin_client.post(
        reverse("admin:work_calendar_specialday_change", args=[day.pk]),
        {"date": "2026-10-10", "kind": DayKind.WORKDAY, "name": "国庆节调休"},
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.name, day.source) == ("国庆节调休", DaySource.STAFF)

    response = admin_client.post(reverse("admin:work_calendar_scheduleyear_add"), {"year": "2027"})
    assert response.status_code == 302
    assert ScheduleYear.objects.get(year=2027).source == DaySource.STAFF


def test_missing_schedule_is_warned_about(admin_client):
    this_year = timezone.localdate().year
    ScheduleYear.objects.filter(year__in=[this_year, this_year + 1]).delete()
    ScheduleYear.objects.create(year=this_year)
    for name in ["specialday", "scheduleyear"]:
        response = admin_client.get(reverse(f"admin:work_calendar_{name}_changelist"))
        messages = [str(m) for m in response.context["messages"]]
        assert messages == [_warning(this_year + 1)]

    ScheduleYear.objects.create(year=this_year + 1)
    response = admin_client.get(reverse("admin:work_calendar_specialday_changelist"))
    assert [str(m) for m in response.context["messages"]] == []
