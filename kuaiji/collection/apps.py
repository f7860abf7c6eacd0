from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "kuaiji.collection"
    label = "collection"
    verbose_name = "信息登记"
