"""Seed the special days from the ``chinese-calendar`` package (PyPI ``chinese-calendar``).

The package ships the State Council's schedules as two dicts in ``chinese_calendar.constants``:
``holidays`` and ``workdays`` (make-up working days), each mapping a date to the English name of its
festival, for every year from 2004 to the last schedule published before its release. Only seeding
reads the package; the running code reads the ``SpecialDay`` table.

``seed_special_days`` is used both by the data migration (with the historical models, via ``apps``) and
by ``manage.py seed_special_days`` after an upgrade, so it may only use fields that exist as of
migration ``0002_seed_special_days``.
"""

from dataclasses import dataclass, field
from datetime import date

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from .constants import DayKind, DaySource
from .selectors import forget_cached_years

# The package's own Chinese names are short ("清明", "端午", "中秋"); these are the names people use.
FESTIVAL_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}


@dataclass(frozen=True)
class SourceDay:
    date: date
    kind: str
    name: str


@dataclass(frozen=True)
class SourceSchedule:
    days: list[SourceDay]
    years: list[int]
    version: str


@dataclass
class SeedReport:
    """What a seeding changed; ``kept`` counts package dates left alone because staff own them."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    kept: int = 0
    years_added: list[int] = field(default_factory=list)


def read_chinese_calendar() -> SourceSchedule:
    """Every holiday and make-up working day the installed ``chinese-calendar`` knows, and its years."""
    import chinese_calendar
    from chinese_calendar import constants

    def name_of(value: str) -> str:
        return FESTIVAL_NAMES.get(value) or constants.Holiday(value).chinese

    days = [SourceDay(day, DayKind.HOLIDAY, name_of(value)) for day, value in constants.holidays.items()]
    days += [SourceDay(day, DayKind.WORKDAY, name_of(value)) for day, value in constants.workdays.items()]
    days.sort(key=lambda d: d.date)
    all_dates = [d.date for d in days]
    if len(set(all_dates)) != len(all_dates):  # pragma: no cover - the package never lists a day twice
        raise ValueError("chinese-calendar lists a day both as a holiday and as a working day")
    years = list(range(all_dates[0].year, all_dates[-1].year + 1))
    return SourceSchedule(days=days, years=years, version=chinese_calendar.__version__)


def seed_special_days(*, apps: Apps | None = None, using: str = DEFAULT_DB_ALIAS) -> SeedReport:
    """Create or update the special days and schedule years from the installed ``chinese-calendar``.

    Idempotent. Never touches a row whose ``source`` is ``staff``, nor any day of a year whose
    ``ScheduleYear`` was confirmed by staff (their schedule for that year is the authority). Rows the
    package seeded earlier but no longer lists (a corrected schedule) are deleted. Years the package
    covers get a ``ScheduleYear`` unless they already have one. Pass ``apps`` from a data migration to
    use the historical models.
    """
    registry = apps or global_apps
    special_day_model = registry.get_model("work_calendar", "SpecialDay")
    schedule_year_model = registry.get_model("work_calendar", "ScheduleYear")
    schedule = read_chinese_calendar()
    report = SeedReport()

    with transaction.atomic(using=using):
        schedule_years = dict(
            schedule_year_model.objects.using(using)
            .filter(year__in=schedule.years)
            .values_list("year", "source")
        )
        staff_years = {year for year, source in schedule_years.items() if source == DaySource.STAFF}
        existing = {
            row.date: row
            for row in special_day_model.objects.using(using).filter(
                date__gte=date(schedule.years[0], 1, 1), date__lte=date(schedule.years[-1], 12, 31)
            )
        }
        to_create = []
        to_update = []
        for day in schedule.days:
            row = existing.get(day.date)
            if day.date.year in staff_years or (row is not None and row.source == DaySource.STAFF):
                report.kept += 1
            elif row is None:
                to_create.append(
                    special_day_model(
                        date=day.date, kind=day.kind, name=day.name, source=DaySource.CHINESE_CALENDAR
                    )
                )
            elif (row.kind, row.name) != (day.kind, day.name):
                row.kind, row.name = day.kind, day.name
                to_update.append(row)
        listed = {day.date for day in schedule.days}
        stale = [
            row.pk
            for row in existing.values()
            if row.source == DaySource.CHINESE_CALENDAR
            and row.date not in listed
            and row.date.year not in staff_years
        ]
        special_day_model.objects.using(using).bulk_create(to_create, batch_size=500)
        special_day_model.objects.using(using).bulk_update(to_update, ["kind", "name"], batch_size=500)
        special_day_model.objects.using(using).filter(pk__in=stale).delete()
        report.years_added = [year for year in schedule.years if year not in schedule_years]
        now = timezone.now()
        schedule_year_model.objects.using(using).bulk_create(
            [
                schedule_year_model(year=year, source=DaySource.CHINESE_CALENDAR, confirmed_at=now)
                for year in report.years_added
            ]
        )
        report.created, report.updated, report.deleted = len(to_create), len(to_update), len(stale)

        # Bulk writes send no signals, so forget the cached years here (and again once committed).
        forget_cached_years(years=schedule.years)
        transaction.on_commit(lambda: forget_cached_years(years=schedule.years), using=using)
    return report
