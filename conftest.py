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


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit guards live in the cache, departments in the reference cache; each test starts with none."""
    from django.core.cache import caches

    from kuaiji.core.platform_mode import assume_normal_mode

    for alias in ("default", "reference"):
        caches[alias].clear()
    # As in a running process: the platform's mode is already known (normal), not read per test.
    assume_normal_mode()
    yield
    for alias in ("default", "reference"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _on_commit_runs_at_once(request, monkeypatch):
    """Tests run inside a transaction that is rolled back, so on_commit callbacks (SMS sending, session
    ending) would never run. Run them at once instead; tests marked ``transaction=True`` (and the browser
    tests) commit for real and keep Django's behaviour."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin client, with the second factor passed (the admin requires it)."""
    from django.test import Client

    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=admin_user, name="test", confirmed=True)
    client = Client()
    client.force_login(admin_user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def departments(db):
    """The demo's management departments of 青海省, keyed by division code."""
    from kuaiji.regions.demo import ensure_demo_departments

    return ensure_demo_departments()
