"""Requirements covered: audit events are kept ``KUAIJI_AUDIT_RETENTION_DAYS`` (default 190, never fewer
than 183 — the settings refuse to load and the command refuses to run); ``prune_audit_events`` deletes
older ones only, through its one deliberate bypass, and records its own run; everywhere else the
append-only guard still refuses to delete or update an entry.
"""

import os
import subprocess
import sys
from datetime import timedelta

from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.models import AuditEvent
from kuaiji.audit.services import record_event

pytestmark = pytest.mark.django_db


def aged(days: float, action: str = "test.event") -> AuditEvent:
    return AuditEvent.objects.create(action=action, occurred_at=timezone.now() - timedelta(days=days))


def test_default_is_190_days():
    assert django_settings.KUAIJI_AUDIT_RETENTION_DAYS == 190


def test_prune_keeps_recent_events_and_records_its_run(capsys):
    old = aged(191, "test.old")
    kept = aged(189, "test.kept")
    call_command("prune_audit_events")
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    run = AuditEvent.objects.get(action="audit.pruned")
    assert run.actor is None
    assert run.details["deleted"] == 1
    assert run.details["retention_days"] == 190
    assert "pruned 1 audit events" in capsys.readouterr().out


def test_prune_follows_the_setting(settings):
    settings.KUAIJI_AUDIT_RETENTION_DAYS = 365
    kept = aged(300)
    old = aged(366)
    call_command("prune_audit_events")
    assert list(AuditEvent.objects.filter(action="test.event")) == [kept]
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_prune_refuses_less_than_six_months(settings):
    settings.KUAIJI_AUDIT_RETENTION_DAYS = 182
    old = aged(200)
    with pytest.raises(CommandError, match="183"):
        call_command("prune_audit_events")
    assert AuditEvent.objects.filter(pk=old.pk).exists()
    assert not AuditEvent.objects.filter(action="audit.pruned").exists()


def test_settings_refuse_to_load_with_less_than_six_months():
    env = {**os.environ, "KUAIJI_ENV": "test", "KUAIJI_AUDIT_RETENTION_DAYS": "100"}
    result = subprocess.run(
        [sys.executable, "-c", "import kuaiji.settings"],
        env=env,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_the_guard_still_refuses_changes_elsewhere():
    entry = AuditEvent.objects.create(action="test.event")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=entry.pk).update(action="test.changed")
    with pytest.raises(PermissionError):
        entry.delete()
    entry.action = "test.changed"
    with pytest.raises(PermissionError):
        entry.save()
    assert AuditEvent.objects.get(pk=entry.pk).action == "test.event"


def test_record_event_refuses_an_action_the_log_does_not_know():
    # Actions are an AuditAction; a free string that is not one of its values is a typo, not an event.
    with pytest.raises(ValueError):
        record_event(action="submission.aproved")
    assert not AuditEvent.objects.filter(action="submission.aproved").exists()
    event = record_event(action="submission.approved")
    assert event.action == AuditAction.SUBMISSION_APPROVED
