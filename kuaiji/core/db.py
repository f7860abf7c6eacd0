"""Database routing: an optional read replica, used only by reads that ask for it.

With ``DATABASE_REPLICA_URL`` set, settings define a ``replica`` database (PostgreSQL streaming
replication, read-only) and install :class:`ReplicaRouter`. Nothing goes there by default: a replica
lags behind, and a person who just saved must see what they saved. Reads that can live with a few
seconds of lag (archive search, statistics) wrap their evaluation in :func:`using_replica`::

    with using_replica():
        rows = list(search_people(...))

Inside a transaction on the primary, and wherever no replica is configured, reads stay on ``default``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_use_replica: ContextVar[bool] = ContextVar("kuaiji_use_replica", default=False)


@contextmanager
def using_replica() -> Iterator[None]:
    """Send the reads evaluated inside the block to the replica, when one is configured."""
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """``default`` for everything, except reads marked with :func:`using_replica`."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if not _use_replica.get() or not replica_configured():
            return None
        # Reads inside a transaction on the primary must see its own uncommitted writes.
        if connections["default"].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        # The replica is migrated by replication, never directly.
        return db != REPLICA
