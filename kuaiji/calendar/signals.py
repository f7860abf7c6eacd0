"""Keep the cached special days in step with the table: a saved or deleted row forgets its year."""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import SpecialDay
from .selectors import forget_cached_years


def _year_of(value: date | str) -> int:
    # ``SpecialDay(date="2026-10-01").save()`` is allowed by Django and leaves a string on the instance.
    return value.year if isinstance(value, date) else date.fromisoformat(value).year


def _forget(years: set[int]) -> None:
    # Now, so this transaction sees its own change; and again after commit, in case another process
    # cached the old rows in between.
    forget_cached_years(years=years)
    transaction.on_commit(lambda: forget_cached_years(years=years))


@receiver(pre_save, sender=SpecialDay)
def _remember_previous_year(sender: type[SpecialDay], instance: SpecialDay, **kwargs: Any) -> None:
    # A date moved from one year to another makes both years stale.
    previous = None
    if instance.pk is not None:
        previous = SpecialDay.objects.filter(pk=instance.pk).values_list("date", flat=True).first()
    instance._previous_year = previous.year if previous else None  # type: ignore[attr-defined]


@receiver(post_save, sender=SpecialDay)
def _forget_saved_year(sender: type[SpecialDay], instance: SpecialDay, **kwargs: Any) -> None:
    years = {_year_of(instance.date)}
    previous_year = getattr(instance, "_previous_year", None)
    if previous_year is not None:
        years.add(previous_year)
    _forget(years)


@receiver(post_delete, sender=SpecialDay)
def _forget_deleted_year(sender: type[SpecialDay], instance: SpecialDay, **kwargs: Any) -> None:
    _forget({_year_of(instance.date)})
