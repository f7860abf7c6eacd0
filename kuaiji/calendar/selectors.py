"""Working days (工作日): Monday to Friday, except statutory holidays, plus make-up working days.

The exceptions are the ``SpecialDay`` rows. Each year's rows are read in one query and kept in the
cache (shared across processes when REDIS_URL is set); saving or deleting a row forgets its year (see
``signals.py``), and entries expire after ``CACHE_SECONDS`` so a per-process cache cannot stay stale
for long. A year without rows simply counts Monday to Friday; ``years_without_schedule`` says which
years those are.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.cache import cache

from .constants import DayKind
from .models import ScheduleYear, SpecialDay

CACHE_SECONDS = 600
_ONE_DAY = timedelta(days=1)


def _cache_key(year: int) -> str:
    return f"work_calendar:special_days:{year}"


def forget_cached_years(*, years: Iterable[int]) -> None:
    """Drop the cached special days of ``years`` (after a change the cache cannot see)."""
    cache.delete_many([_cache_key(year) for year in set(years)])


def special_days_of_years(years: Iterable[int]) -> dict[int, dict[date, str]]:
    """Each year's special days: one cache round trip for all of them, and one query for those the cache
    did not have."""
    wanted = sorted(set(years))
    keys = {_cache_key(year): year for year in wanted}
    cached = cache.get_many(list(keys))
    found: dict[int, dict[date, str]] = {keys[key]: days for key, days in cached.items()}
    missing = [year for year in wanted if year not in found]
    if missing:
        loaded: dict[int, dict[date, str]] = {year: {} for year in missing}
        rows = SpecialDay.objects.filter(
            date__gte=date(missing[0], 1, 1), date__lte=date(missing[-1], 12, 31)
        ).values_list("date", "kind")
        for day, kind in rows:
            if day.year in loaded:
                loaded[day.year][day] = kind
        cache.set_many({_cache_key(year): days for year, days in loaded.items()}, CACHE_SECONDS)
        found.update(loaded)
    return found


def _is_working_day(day: date, special: dict[date, str]) -> bool:
    kind = special.get(day)
    if kind == DayKind.HOLIDAY:
        return False
    if kind == DayKind.WORKDAY:
        return True
    return day.weekday() < 5


class _Calendar:
    """The special days of the years one computation touches, each year fetched once."""

    def __init__(self) -> None:
        self._years: dict[int, dict[date, str]] = {}

    def is_working_day(self, day: date) -> bool:
        days = self._years.get(day.year)
        if days is None:
            days = self._years[day.year] = special_days_of_years([day.year])[day.year]
        return _is_working_day(day, days)


class WorkingDayTable:
    """The working days from ``first`` to ``last``, read in one cache round trip, so that a list of rows
    gets its working-day numbers by subtraction instead of a calendar walk (and a cache read) per row.

    ``between(start=a, end=b)`` equals ``working_days_between(start=a, end=b)`` for any dates; inside
    the table's range it is a subtraction, outside it falls back to the walk."""

    def __init__(self, *, first: date, last: date) -> None:
        if last < first:
            first, last = last, first
        self.first = first
        self.last = last
        special: dict[date, str] = {}
        for days in special_days_of_years(range(first.year, last.year + 1)).values():
            special.update(days)
        # _counted[i]: working days after ``first`` up to and including ``first + i``.
        counted = [0]
        day = first
        for _ in range((last - first).days):
            day += _ONE_DAY
            counted.append(counted[-1] + _is_working_day(day, special))
        self._counted = counted

    def between(self, *, start: date, end: date) -> int:
        """How many working days lie after ``start`` up to and including ``end`` (0 when end <= start)."""
        if end <= start:
            return 0
        if start < self.first or end > self.last:
            return working_days_between(start=start, end=end)
        return self._counted[(end - self.first).days] - self._counted[(start - self.first).days]


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day: a make-up working day, or Monday to Friday and not a holiday."""
    return _Calendar().is_working_day(day)


def due_on(*, start: date, working_days: int) -> date:
    """The date by which something started on ``start`` must be done within ``working_days`` working days.

    The day of ``start`` itself never counts (whether or not it is a working day); counting begins with
    the next working day after it, and the result is the ``working_days``-th working day after
    ``start``, so it is always a working day. ``working_days=0`` returns ``start``.

    Examples (2026 schedule):
    - submitted Friday 2026-11-20, 3 working days → Mon 23 (1), Tue 24 (2), due Wednesday 2026-11-25;
    - submitted Wednesday 2026-09-30, 3 working days → 1–7 October are the National Day holiday,
      Thu 8 (1), Fri 9 (2), and the make-up working Saturday 2026-10-10 (3) is the due date;
    - submitted Friday 2026-02-13 (eve of the Spring Festival), 2 working days → the make-up working
      Saturday 14 February (1), then 15–23 February are holidays, due Tuesday 2026-02-24.

    ``working_days_between(start=start, end=due_on(start=start, working_days=n)) == n``.
    """
    if working_days < 0:
        raise ValueError("working_days must not be negative")
    calendar = _Calendar()
    day = start
    remaining = working_days
    while remaining:
        day += _ONE_DAY
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def working_days_between(*, start: date, end: date) -> int:
    """How many working days lie after ``start`` up to and including ``end`` (0 when end <= start).

    Used for "waiting for N working days": something submitted on Friday has waited 0 working days on
    the following Sunday and 1 on Monday.
    """
    calendar = _Calendar()
    count = 0
    day = start + _ONE_DAY
    while day <= end:
        if calendar.is_working_day(day):
            count += 1
        day += _ONE_DAY
    return count


def years_without_schedule(*, years: Iterable[int]) -> list[int]:
    """Those of ``years`` (sorted, once each) whose official holiday schedule has not been entered."""
    wanted = set(years)
    entered = set(ScheduleYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return sorted(wanted - entered)


def is_past_due(due: date | None, *, today: date | None = None) -> bool:
    """Past its due date: the due date lies before ``today`` (due today is not yet late). The one rule for
    reviews, credit entries, objections and questions; their overdue queries filter ``due_on__lt=today``."""
    from django.utils import timezone

    return bool(due and due < (today or timezone.localdate()))
