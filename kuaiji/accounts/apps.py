from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kuaiji.accounts"
    label = "accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        from django.core import checks

        from . import sessions  # noqa: F401  (connects the session-tracking signal receivers)
        from .sms import check_drill_backend

        checks.register(check_drill_backend, checks.Tags.security, deploy=True)
