from django.apps import AppConfig


class ExtractsConfig(AppConfig):
    name = "kuaiji.extracts"
    label = "extracts"
    verbose_name = "人员档案证明"
