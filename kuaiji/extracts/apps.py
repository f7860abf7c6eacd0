from django.apps import AppConfig
from django.core import checks


class ExtractsConfig(AppConfig):
    name = "kuaiji.extracts"
    label = "extracts"
    verbose_name = "人员档案证明"

    def ready(self) -> None:
        checks.register(signing_configured, checks.Tags.security, deploy=True)


def signing_configured(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """``check --deploy``: a production site without the signing key, certificate or public address
    cannot issue extracts (it still starts: the rest of the site does not need them)."""
    from django.conf import settings

    if not settings.IS_PRODUCTION:
        return []
    problems: list[checks.CheckMessage] = []
    if not (settings.KUAIJI_EXTRACT_SIGNING_KEY and settings.KUAIJI_EXTRACT_SIGNING_CERT):
        problems.append(
            checks.Warning(
                "KUAIJI_EXTRACT_SIGNING_KEY and KUAIJI_EXTRACT_SIGNING_CERT are not set: archive extracts "
                "(人员档案证明) cannot be issued.",
                id="extracts.W001",
            )
        )
    if not settings.KUAIJI_PUBLIC_URL:
        problems.append(
            checks.Warning(
                "KUAIJI_PUBLIC_URL is not set: archive extracts cannot carry their verification address.",
                id="extracts.W002",
            )
        )
    return problems
