from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "kuaiji.exports"
    label = "exports"
    verbose_name = "导出"
