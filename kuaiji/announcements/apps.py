from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "kuaiji.announcements"
    label = "announcements"
    verbose_name = "通知公告"
