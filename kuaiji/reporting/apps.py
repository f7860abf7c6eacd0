from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "kuaiji.reporting"
    label = "reporting"
    verbose_name = "统计分析"
