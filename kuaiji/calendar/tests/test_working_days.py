"""Requirements covered: review due dates count Chinese working days (工作日) — Monday to Friday, minus
statutory holidays (法定节假日), plus make-up working days (调休上班日) even on a Saturday or Sunday.
Counting starts the working day after the start date (``due_on``), and ``working_days_between`` is its
inverse. The special days are seeded by a data migration from the ``chinese-calendar`` package
(2004–2026), can be re-seeded idempotently (also through ``manage.py seed_special_days``) without
overwriting what staff entered, and a year without an entered schedule counts weekends only and is
reported by ``years_without_schedule``. The special days are cached per year: a newly added holiday is
seen at once, and computing 50 waiting times costs at most one query per year involved.

2026 facts relied on (chinese-calendar 1.11, matching the State Council notice for 2026):
- 春节: holidays Sun 15 – Mon 23 February; make-up working days Sat 14 and Sat 28 February.
- 中秋节: holidays Fri 25 – Sun 27 September.
- 国庆节: holidays Thu 1 – Wed 7 October; make-up working days Sun 20 September and Sat 10 October.
"""

import calendar
from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command

import pytest

from kuaiji.calendar.constants import DayKind, DaySource
from kuaiji.calendar.models import ScheduleYear, SpecialDay
from kuaiji.calendar.seeding import read_chinese_calendar, seed_special_days
from kuaiji.calendar.selectors import (
    WorkingDayTable,
    due_on,
    is_working_day,
    working_days_between,
    years_without_schedule,
)

pytestmark = pytest.mark.django_db


def test_standard_library_calendar_is_not_shadowed():
    assert calendar.__name__ == "calendar"
    assert "kuaiji" not in calendar.__file__
    assert calendar.monthrange(2026, 2) == (6, 28)


def test_migration_seeded_2026_from_chinese_calendar():
    rows = {row.date: row for row in SpecialDay.objects.filter(date__year=2026)}
    assert len(rows) == 39
    assert all(row.source == DaySource.CHINESE_CALENDAR for row in rows.values())
    national_day = [d for d, row in rows.items() if row.name == "国庆节" and row.kind == DayKind.HOLIDAY]
    assert national_day == [date(2026, 10, day) for day in range(1, 8)]
    assert rows[date(2026, 9, 25)].name == "中秋节"
    make_up = sorted(d for d, row in rows.items() if row.kind == DayKind.WORKDAY)
    assert make_up == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    assert set(ScheduleYear.objects.values_list("year", flat=True)) == set(range(2004, 2027))


def test_an_ordinary_week():
    friday = date(2026, 11, 20)
    assert due_on(start=friday, working_days=3) == date(2026, 11, 25)  # Wednesday
    assert due_on(start=friday, working_days=1) == date(2026, 11, 23)  # Monday
    assert due_on(start=date(2026, 11, 21), working_days=1) == date(2026, 11, 23)  # from a Saturday
    assert due_on(start=friday, working_days=0) == friday
    assert working_days_between(start=friday, end=date(2026, 11, 22)) == 0  # the weekend
    assert working_days_between(start=friday, end=date(2026, 11, 25)) == 3
    assert working_days_between(start=friday, end=friday) == 0
    assert working_days_between(start=friday, end=date(2026, 11, 1)) == 0
    assert is_working_day(friday)
    assert not is_working_day(date(2026, 11, 21))


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        due_on(start=date(2026, 11, 20), working_days=-1)


def test_national_day_2026_is_skipped():
    # Submitted Tuesday 29 September: Wed 30 (1), 1–7 October holidays, Thu 8 (2), Fri 9 (3),
    # the make-up working Saturday 10 October (4), Sunday 11 is an ordinary weekend, Monday 12 (5).
    assert due_on(start=date(2026, 9, 29), working_days=5) == date(2026, 10, 12)
    # On the holiday eve, the whole holiday is skipped.
    assert due_on(start=date(2026, 9, 30), working_days=1) == date(2026, 10, 8)
    assert working_days_between(start=date(2026, 9, 30), end=date(2026, 10, 7)) == 0
    assert not any(is_working_day(date(2026, 10, day)) for day in range(1, 8))


def test_a_count_can_land_on_the_make_up_saturday():
    assert is_working_day(date(2026, 10, 10))  # Saturday
    # Wed 30 September + 3: Thu 8 (1), Fri 9 (2), Sat 10 (3).
    assert due_on(start=date(2026, 9, 30), working_days=3) == date(2026, 10, 10)
    assert working_days_between(start=date(2026, 9, 30), end=date(2026, 10, 10)) == 3


def test_the_make_up_sunday_before_mid_autumn_counts():
    assert is_working_day(date(2026, 9, 20))  # Sunday
    assert due_on(start=date(2026, 9, 18), working_days=1) == date(2026, 9, 20)
    assert due_on(start=date(2026, 9, 18), working_days=3) == date(2026, 9, 22)
    # Thursday 24 September: Friday 25 – Sunday 27 is the Mid-autumn holiday.
    assert due_on(start=date(2026, 9, 24), working_days=1) == date(2026, 9, 28)


def test_spring_festival_2026():
    eve = date(2026, 2, 13)  # Friday
    assert due_on(start=eve, working_days=1) == date(2026, 2, 14)  # make-up Saturday
    assert due_on(start=eve, working_days=2) == date(2026, 2, 24)  # after 15–23 February
    assert due_on(start=eve, working_days=6) == date(2026, 2, 28)  # make-up Saturday again
    assert due_on(start=date(2026, 2, 14), working_days=1) == date(2026, 2, 24)
    assert working_days_between(start=eve, end=date(2026, 2, 23)) == 1


def test_due_on_and_working_days_between_agree():
    start = date(2025, 12, 1)
    for offset in range(400):
        day = start + timedelta(days=offset)
        for working_days in (0, 1, 3, 10):
            due = due_on(start=day, working_days=working_days)
            assert working_days_between(start=day, end=due) == working_days
            assert working_days == 0 or is_working_day(due)


def test_a_year_without_schedule_counts_weekends_only():
    assert years_without_schedule(years=[2027, 2026, 2027, 2025]) == [2027]
    # 1 October 2027 is a Friday; without a schedule it is an ordinary working day.
    assert due_on(start=date(2027, 9, 30), working_days=3) == date(2027, 10, 5)
    # Across the year end: Thursday 31 December 2026 + 2 → Fri 1 January 2027 (1), Mon 4 (2).
    assert due_on(start=date(2026, 12, 31), working_days=2) == date(2027, 1, 4)

    SpecialDay.objects.create(date=date(2027, 10, 1), kind=DayKind.HOLIDAY, name="国庆节")
    ScheduleYear.objects.create(year=2027)
    assert years_without_schedule(years=[2027]) == []
    assert due_on(start=date(2027, 9, 30), working_days=3) == date(2027, 10, 6)


def test_reseeding_is_idempotent_and_keeps_staff_rows():
    # Staff corrected a seeded day and added one of their own; a seeded row went stale and one vanished.
    SpecialDay.objects.filter(date=date(2026, 10, 10)).update(name="国庆节（调休）", source=DaySource.STAFF)
    SpecialDay.objects.create(date=date(2026, 12, 31), kind=DayKind.HOLIDAY, name="单位自定", source="staff")
    SpecialDay.objects.filter(date=date(2026, 10, 1)).update(name="错误名称")
    SpecialDay.objects.filter(date=date(2026, 10, 2)).delete()
    SpecialDay.objects.create(
        date=date(2026, 11, 2), kind=DayKind.HOLIDAY, name="旧数据", source=DaySource.CHINESE_CALENDAR
    )

    report = seed_special_days()

    assert (report.created, report.updated, report.deleted, report.kept) == (1, 1, 1, 1)
    assert report.years_added == []
    staff_day = SpecialDay.objects.get(date=date(2026, 10, 10))
    assert (staff_day.name, staff_day.source) == ("国庆节（调休）", DaySource.STAFF)
    assert SpecialDay.objects.get(date=date(2026, 12, 31)).source == DaySource.STAFF
    assert SpecialDay.objects.get(date=date(2026, 10, 1)).name == "国庆节"
    assert SpecialDay.objects.filter(date=date(2026, 10, 2)).exists()
    assert not SpecialDay.objects.filter(date=date(2026, 11, 2)).exists()
    assert is_working_day(date(2026, 11, 2))
    assert not is_working_day(date(2026, 12, 31))

    again = seed_special_days()
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert SpecialDay.objects.count() == len(read_chinese_calendar().days) + 1


def test_a_year_confirmed_by_staff_is_left_alone():
    ScheduleYear.objects.filter(year=2026).update(source=DaySource.STAFF)
    SpecialDay.objects.filter(date=date(2026, 10, 7)).delete()  # staff decided otherwise
    report = seed_special_days()
    assert report.created == 0
    assert not SpecialDay.objects.filter(date=date(2026, 10, 7)).exists()


def test_seeding_adds_missing_schedule_years():
    ScheduleYear.objects.filter(year=2026).delete()
    report = seed_special_days()
    assert report.years_added == [2026]
    assert ScheduleYear.objects.get(year=2026).source == DaySource.CHINESE_CALENDAR


def test_management_command_reports():
    out = StringIO()
    call_command("seed_special_days", stdout=out)
    assert "0 created, 0 updated, 0 deleted" in out.getvalue()
    assert "2004–2026" in out.getvalue()


def test_the_cache_sees_changes_at_once():
    day = date(2026, 11, 27)  # Friday
    assert is_working_day(day)  # caches 2026
    holiday = SpecialDay.objects.create(date=day, kind=DayKind.HOLIDAY, name="临时休假")
    assert not is_working_day(day)
    assert due_on(start=date(2026, 11, 26), working_days=1) == date(2026, 11, 30)

    assert is_working_day(date(2027, 1, 1))  # caches 2027
    holiday.date = date(2027, 1, 1)  # moved to another year: both years change
    holiday.save()
    assert is_working_day(day)
    assert not is_working_day(date(2027, 1, 1))

    holiday.delete()
    assert is_working_day(date(2027, 1, 1))


def test_waiting_times_for_a_queue_cost_one_query_per_year(django_assert_max_num_queries):
    today = date(2026, 11, 25)
    starts = [today - timedelta(days=7 * offset + 1) for offset in range(50)]  # back into 2025
    assert {start.year for start in starts} == {2025, 2026}
    with django_assert_max_num_queries(2):
        waits = [working_days_between(start=start, end=today) for start in starts]
    assert waits[0] == 1  # submitted yesterday
    assert waits == sorted(waits)
    with django_assert_max_num_queries(0):  # now cached
        for start in starts:
            due_on(start=start, working_days=15)


def test_a_working_day_table_counts_like_the_walk_in_one_cache_read(django_assert_max_num_queries):
    first, last = date(2025, 9, 1), date(2026, 12, 31)  # two years, National Day and Spring Festival
    with django_assert_max_num_queries(1):  # both years in one query
        table = WorkingDayTable(first=first, last=last)
    days = [first + timedelta(days=offset) for offset in range(0, (last - first).days + 1, 5)]
    with django_assert_max_num_queries(0):
        for start in days:
            for end in (start, start + timedelta(days=1), date(2026, 2, 24), date(2026, 10, 10), last):
                assert table.between(start=start, end=end) == working_days_between(start=start, end=end)
    # Outside the range it still answers right (by the walk).
    assert table.between(start=date(2025, 1, 1), end=date(2025, 1, 9)) == working_days_between(
        start=date(2025, 1, 1), end=date(2025, 1, 9)
    )
    assert table.between(start=date(2026, 10, 1), end=date(2026, 10, 10)) == 3  # 8, 9 and the Saturday 10


def test_a_working_day_table_reads_all_its_years_in_one_cache_round_trip(monkeypatch):
    from django.core.cache import cache

    WorkingDayTable(first=date(2024, 1, 1), last=date(2026, 12, 31))  # fills the cache
    calls: list[str] = []
    inside = []

    def spy(name, original):
        def call(*args, **kwargs):
            if not inside:  # locmem's get_many calls get: count the round trip, not its parts
                calls.append(name)
            inside.append(name)
            try:
                return original(*args, **kwargs)
            finally:
                inside.pop()

        return call

    for name in ("get", "get_many", "set", "set_many"):
        monkeypatch.setattr(cache, name, spy(name, getattr(cache, name)))
    table = WorkingDayTable(first=date(2024, 1, 1), last=date(2026, 12, 31))
    assert calls == ["get_many"]
    assert table.between(start=date(2026, 9, 30), end=date(2026, 10, 10)) == 3
