from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import DaySource
from .models import ScheduleYear, SpecialDay
from .selectors import years_without_schedule

_WEEKDAYS = "一二三四五六日"


class MissingScheduleWarningMixin:
    """Warns on the changelist while this year's or next year's schedule has not been entered."""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "GET":
            this_year = timezone.localdate().year
            for year in years_without_schedule(years=[this_year, this_year + 1]):
                messages.warning(
                    request,
                    _(
                        "%(year)s 年的节假日安排尚未录入，该年的工作日暂按周一至周五计算，"
                        "请在国务院办公厅公布后及时录入。"
                    )
                    % {"year": year},
                )
        return super().changelist_view(request, extra_context)  # type: ignore[misc]


class YearFilter(admin.SimpleListFilter):
    title = _("年份")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = SpecialDay.objects.dates("date", "year", order="DESC")
        return [(str(day.year), f"{day.year} 年") for day in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[SpecialDay]) -> QuerySet[SpecialDay]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(SpecialDay)
class SpecialDayAdmin(MissingScheduleWarningMixin, admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name", "source"]
    list_filter = [YearFilter, "kind", "source"]
    search_fields = ["name"]
    fields = ["date", "kind", "name", "source"]
    readonly_fields = ["source"]

    @admin.display(description=_("星期"))
    def weekday(self, obj: SpecialDay) -> str:
        return f"星期{_WEEKDAYS[obj.date.weekday()]}"

    def save_model(self, request: HttpRequest, obj: SpecialDay, form: Any, change: bool) -> None:
        # A day staff have entered or corrected is theirs: re-seeding from chinese-calendar keeps it.
        obj.source = DaySource.STAFF
        super().save_model(request, obj, form, change)


@admin.register(ScheduleYear)
class ScheduleYearAdmin(MissingScheduleWarningMixin, admin.ModelAdmin):
    list_display = ["year", "source", "confirmed_at"]
    list_filter = ["source"]
    fields = ["year", "source", "confirmed_at"]
    readonly_fields = ["source", "confirmed_at"]

    def save_model(self, request: HttpRequest, obj: ScheduleYear, form: Any, change: bool) -> None:
        obj.source = DaySource.STAFF
        obj.confirmed_at = timezone.now()
        super().save_model(request, obj, form, change)
