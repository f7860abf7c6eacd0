from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "kuaiji.review"
    label = "review"
    verbose_name = "审核"
