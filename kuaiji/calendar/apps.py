from django.apps import AppConfig


class WorkCalendarConfig(AppConfig):
    # The label is not "calendar": the package is imported as kuaiji.calendar, and a bare "calendar"
    # label would read like Python's standard module in migrations and content types.
    name = "kuaiji.calendar"
    label = "work_calendar"
    verbose_name = "工作日日历"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the cache invalidation receivers
