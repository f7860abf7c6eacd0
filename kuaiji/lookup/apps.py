from django.apps import AppConfig


class LookupConfig(AppConfig):
    name = "kuaiji.lookup"
    label = "lookup"
    verbose_name = "证明查验"
