from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "kuaiji.archive"
    label = "archive"
    verbose_name = "人员档案"
