from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kuaiji.accounts"
    label = "accounts"
    verbose_name = "账号"
