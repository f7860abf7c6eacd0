from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "kuaiji.imports"
    label = "imports"
    verbose_name = "原有人员导入"
