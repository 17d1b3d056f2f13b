"""A second connection for the change history and the access log, so that two server processes
store rows side by side: on two cores one PostgreSQL process is the bottleneck of a national run
(the rows' indexes and foreign-key checks), while generating the rows takes a fraction of the
other core.

Two transactions cannot be one, so the run is done in steps, each committed, and a failure
undoes the steps already committed (`Undo`): the organisation first (the history's and the
log's rows point at its users and areas, which the second connection can only see once
committed), then the people and their cases on the main connection, then the history and the
access log on this one. The log comes last because nothing may delete from it (ADR 0003): when
it is committed, everything is."""

from __future__ import annotations

import queue
import threading

from django.db import connection, transaction

from .tables import HISTORIES, KEY, TABLES

SIDE_TABLES = frozenset(HISTORIES) | {"audit_accesslog"}


class Side:
    """The second connection (the application's role too) and the thread that COPYs into it."""

    def __init__(self):
        import psycopg2

        self.conn = psycopg2.connect(**connection.get_connection_params())
        self.cursor = self.conn.cursor()
        self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.counts: dict[str, int] = {}
        self.error: BaseException | None = None
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.thread = threading.Thread(target=self._work, daemon=True)
        self.thread.start()

    def _work(self) -> None:
        while True:
            part = self.queue.get()
            if part is None:
                return
            if self.error is None:
                try:
                    part.copy(self.cursor, self.counts)
                except BaseException as exc:  # raised in the main thread by send or finish
                    self.error = exc

    def send(self, part) -> None:
        """Queue a batch's rows of SIDE_TABLES (waits while two batches wait)."""
        if self.error is not None:
            raise self.error
        self.queue.put(part)

    def finish(self) -> dict[str, int]:
        """Wait for the queued rows; the rows per table, or the error of a COPY."""
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.counts

    def commit(self) -> None:
        self.conn.commit()
        self.conn.close()

    def close(self) -> None:
        """Give up: stop the thread and roll back (after commit: nothing to do)."""
        while self.thread.is_alive():
            try:
                self.queue.put_nowait(None)
            except queue.Full:
                try:
                    self.queue.get_nowait()
                except queue.Empty:
                    pass
            self.thread.join(timeout=0.5)
        if not self.conn.closed:
            self.conn.rollback()
            self.conn.close()


class Undo:
    """The id ranges of the steps committed so far, to delete again should a later step fail."""

    def __init__(self):
        self.steps: list[dict[str, tuple[int, int]]] = []

    def committed(self, before: dict[str, int], after: dict[str, int], tables) -> None:
        self.steps.append(
            {t: (before[t], after[t]) for t in tables if after.get(t, 0) > before.get(t, 0)}
        )

    def __call__(self) -> None:
        """Delete the committed steps' rows, the latest step first and, within a step, the
        tables that point at others first."""
        with transaction.atomic(), connection.cursor() as cursor:
            for step in reversed(self.steps):
                for table in reversed(TABLES):
                    if table in step:
                        first, last = step[table]
                        cursor.execute(
                            f"DELETE FROM {table} WHERE {KEY[table]} > %s AND {KEY[table]} <= %s",  # noqa: S608
                            [first, last],
                        )
        self.steps = []
