"""Reads that may go to a read replica (docs/PERFORMANCE.md, "Scaling beyond one machine").

With `DATABASE_REPLICA_URL` set, settings add a second database alias, "replica": a PostgreSQL
standby streaming from the primary. Reports and exports read a great deal and can bear a few
seconds of replication lag; everything else (and every write, the access log included) stays on
the primary, so an officer always sees what they just saved. Code that may read from the replica
says so with `replica_reads()`; the router sends that block's reads there when the alias exists
and to the primary otherwise."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads():
    """Within the block, reads may be answered by the replica."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def read_connection(model):
    """The connection for hand-written SQL that reads `model`'s table: the one the ORM would
    read it from (the replica inside `replica_reads()`). `django.db.connection` is always the
    primary's, whatever the router says."""
    from django.db import connections, router

    return connections[router.db_for_read(model)]


def reading_from_replica() -> bool:
    """Whether reads now go to the replica: asked for and configured."""
    return _replica_reads.get() and replica_configured()


class ReplicaRouter:
    """Reads in a `replica_reads()` block to the replica; all else to the primary."""

    def db_for_read(self, model, **hints):
        return REPLICA if reading_from_replica() else None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the very same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # a standby is written by replication only
