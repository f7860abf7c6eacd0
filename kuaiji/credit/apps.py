from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "kuaiji.credit"
    label = "credit"
    verbose_name = "信用档案"
