from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kuaiji.api"
    label = "api"
    verbose_name = "接口"

    def ready(self) -> None:
        from django.utils import timezone

        from kuaiji.accounts.signals import password_changed

        from .models import ApiToken

        def revoke_tokens(sender, user, **kwargs):
            ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())

        password_changed.connect(
            revoke_tokens, dispatch_uid="kuaiji.api.revoke_tokens_on_password_change", weak=False
        )
