from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "kuaiji.regions"
    label = "regions"
    verbose_name = "行政区划与会计管理部门"
