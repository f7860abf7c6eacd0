from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kuaiji.core"
    label = "core"
    verbose_name = "基础"
