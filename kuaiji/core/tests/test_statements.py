"""Written-out statements read and write model instances exactly as the ORM would."""

from datetime import datetime

from django.db import connection

import pytest

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.models import AuditEvent
from kuaiji.collection.models import Submission
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.core.statements import columns, insert, instances

pytestmark = pytest.mark.django_db

TABLE = Submission._meta.db_table


def _sql(select: str) -> str:
    return f"SELECT {select} FROM {connection.ops.quote_name(TABLE)} s WHERE s.id = %s"


def test_an_instance_holds_every_field_as_the_orm_loads_it():
    made = SubmissionFactory(complete=True)
    (read,) = instances(Submission, _sql(columns(Submission, "s")), [made.pk])
    loaded = Submission.objects.get(pk=made.pk)
    for field in Submission._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(loaded, field.attname), field.name
    assert isinstance(read.answers, dict) and read.answers  # JSON decoded, on SQLite and PostgreSQL
    assert isinstance(read.created_at, datetime) and read.created_at.tzinfo is not None
    assert read._state.adding is False and read._state.db == "default"


def test_only_some_fields_leaves_the_others_deferred_and_extra_columns_are_set():
    made = SubmissionFactory(complete=True)
    only = ("id", "status", "updated_at")
    created = Submission._meta.get_field("created_at")
    sql = _sql(f"{columns(Submission, 's', only)}, s.version + 1, s.created_at")
    (read,) = instances(Submission, sql, [made.pk], only=only, extra=("next_version", ("made_at", created)))
    assert read.status == made.status
    assert read.get_deferred_fields() >= {"answers", "version"}
    assert read.next_version == made.version + 1
    assert read.made_at == Submission.objects.get(pk=made.pk).created_at  # converted like the field
    assert read.made_at.tzinfo is not None


def test_no_rows_give_an_empty_list():
    assert instances(Submission, _sql(columns(Submission, "s")), [0]) == []


def test_insert_writes_the_row_that_save_would():
    event = insert(AuditEvent(action=AuditAction.STAFF_VIEWED_QUEUE, details={"count": 3, "名": "𠀀"}))
    assert event.pk is not None and event._state.adding is False
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == AuditAction.STAFF_VIEWED_QUEUE
    assert stored.details == {"count": 3, "名": "𠀀"}
    assert stored.occurred_at == event.occurred_at  # the field's default, written as given
    assert stored.actor_id is None and stored.client_ip is None
