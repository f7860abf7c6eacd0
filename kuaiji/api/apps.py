from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kuaiji.api"
    label = "api"
    verbose_name = "接口"
