from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "kuaiji.collection"
    label = "collection"
    verbose_name = "信息登记"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import CollectionWindow
        from .windows import forget_windows

        # A window saved or deleted here is seen at once here; other processes within CACHE_SECONDS.
        post_save.connect(forget_windows, sender=CollectionWindow, dispatch_uid="forget_windows_saved")
        post_delete.connect(forget_windows, sender=CollectionWindow, dispatch_uid="forget_windows_deleted")
