"""``manage.py check_consistency`` finds each kind of damage the fault drills look for.

Requirements covered:
- a whole database (an approved submission with its files, events, archive version; done tasks) passes;
- a row whose file is gone, and a file no row points at, are reported (a young orphan is not: its row may
  not have committed yet);
- a decided submission without its decision's audit event, and an approved one without its archive
  version, are reported;
- a task stuck RUNNING, a task never picked up and a failed task are reported;
- the command exits 1 with a report in Chinese and English, 0 when all is well.
"""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kuaiji.accounts.tasks import send_sms
from kuaiji.audit.models import AuditEvent
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Attachment, Submission
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.core.consistency import consistency_problems

NO_GRACE = {"orphan_grace": timedelta(0)}


def kinds(**options) -> list[tuple[str, str]]:
    return [(problem.kind, problem.ref) for problem in consistency_problems(**{**NO_GRACE, **options})]


@pytest.fixture
def approved(db) -> Submission:
    return SubmissionFactory.create(approved=True)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }


def test_a_whole_database_passes(approved, capsys):
    assert Attachment.objects.filter(submission=approved).exists()
    assert kinds() == []
    call_command("check_consistency", "--orphan-grace", "0")
    assert "数据一致 / consistent" in capsys.readouterr().out


def test_a_missing_file_is_reported(approved, capsys):
    attachment = Attachment.objects.filter(submission=approved).first()
    default_storage.delete(attachment.file.name)
    assert kinds() == [("missing_file", f"attachment {attachment.uuid}")]
    with pytest.raises(SystemExit) as exit_status:
        call_command("check_consistency", "--orphan-grace", "0")
    assert exit_status.value.code == 1
    out = capsys.readouterr().out
    assert "记录指向的文件不存在 / a record points at a missing file: 1" in out
    assert attachment.file.name in out


def test_an_orphan_file_is_reported_after_the_grace(approved):
    name = default_storage.save("attachments/2026/01/left-behind.jpg", ContentFile(b"x"))
    assert kinds() == [("orphan_file", name)]
    assert kinds(orphan_grace=timedelta(minutes=10)) == []  # just stored: an upload in progress


def test_a_decision_without_its_audit_event_is_reported(approved):
    event = AuditEvent.objects.get(target_id=str(approved.uuid), action="submission.approved")
    with connection.cursor() as cursor:  # the model refuses: audit events are append-only
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [event.pk])
    assert kinds() == [("decision_without_audit", str(approved.uuid))]


def test_a_submission_decided_behind_the_services_back_is_reported(db):
    pending = SubmissionFactory(submitted=True)
    Submission.objects.filter(pk=pending.pk).update(status=Status.APPROVED)
    assert sorted(kinds()) == [
        ("approval_without_archive", str(pending.uuid)),
        ("decision_without_audit", str(pending.uuid)),
    ]


def test_lost_waiting_and_failed_tasks_are_reported(db, database_tasks):
    ok = DBTaskResult.objects.get(id=send_sms.enqueue(mobile="13800000000", text="a").id)
    ok.status = TaskResultStatus.SUCCESSFUL
    ok.save()
    stuck = DBTaskResult.objects.get(id=send_sms.enqueue(mobile="13800000001", text="b").id)
    stuck.status = TaskResultStatus.RUNNING
    stuck.started_at = timezone.now() - timedelta(hours=1)
    stuck.worker_ids = ["killed"]
    stuck.save()
    waiting = DBTaskResult.objects.get(id=send_sms.enqueue(mobile="13800000002", text="c").id)
    DBTaskResult.objects.filter(id=waiting.id).update(enqueued_at=timezone.now() - timedelta(hours=1))
    running_now = DBTaskResult.objects.get(id=send_sms.enqueue(mobile="13800000003", text="d").id)
    running_now.status = TaskResultStatus.RUNNING
    running_now.started_at = timezone.now()
    running_now.save()
    failed = DBTaskResult.objects.get(id=send_sms.enqueue(mobile="13800000004", text="e").id)
    failed.status = TaskResultStatus.FAILED
    failed.exception_class_path = "kuaiji.core.task_recovery.WorkerLost"
    failed.save()

    assert sorted(kinds()) == sorted(
        [
            ("task_stuck_running", str(stuck.id)),
            ("task_not_picked_up", str(waiting.id)),
            ("task_failed", str(failed.id)),
        ]
    )
    assert ("task_failed", str(failed.id)) not in kinds(tasks_since=timezone.now())


def test_prune_orphan_files_deletes_old_orphans_only(approved, capsys):
    orphan = default_storage.save("attachments/2026/01/left-behind.jpg", ContentFile(b"x"))
    kept = Attachment.objects.filter(submission=approved).first().file.name

    call_command("prune_orphan_files", "--older-than", "600")  # just stored: may be an upload in progress
    assert default_storage.exists(orphan)
    call_command("prune_orphan_files", "--older-than", "0")

    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept)
    assert "orphan files: 1 deleted" in capsys.readouterr().out
    assert kinds() == []
