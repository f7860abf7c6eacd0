"""Suite-wide fixtures. The test mode (KUAIJI_ENV=test) is chosen by the settings under pytest."""

import pytest


@pytest.fixture(autouse=True)
def _private_storage_in_tmp(settings, tmp_path):
    """Every test writes uploads into its own folder, so no test leaves files in ./var."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files"), "base_url": None},
        },
    }
    settings.KUAIJI_SMS_OUTBOX = tmp_path / "sms-outbox.jsonl"
