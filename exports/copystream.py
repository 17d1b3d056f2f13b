"""PostgreSQL's own CSV (`COPY (…) TO STDOUT WITH (FORMAT csv)`) streamed in chunks (SPEC §6:
memory stays flat at any size; ADR 0013).

psycopg2 hands `COPY … TO STDOUT` to a file object's `write`, one call per row, and returns only
when the last row is written. So the COPY runs in a thread on the request's own connection (the
request does nothing else with it meanwhile) and hands chunks of about CHUNK_BYTES through a
queue of QUEUED_CHUNKS: the database is read only as fast as the client takes the file, and no
more than a few chunks are ever held. When the client breaks off, the COPY is cancelled, so
neither the database nor the thread goes on with a file nobody reads.

PostgreSQL ends every row with LF; the product's CSV ends them with CRLF (RFC 4180,
samverkan.csvfiles) and keeps a line break inside a quoted cell as it is. So every LF outside
quotes becomes CRLF: a CSV cell's quotes come in pairs, so a LF is outside quotes exactly when
the number of quote characters before it is even."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

from django.db import connection

QUOTE = b'"'
# The file's chunks: small, since a row arrives already written (64 KiB, the Python writer's
# chunk, would only hold more of the file at once for no gain).
CHUNK_BYTES = 16 * 1024
# Chunks waiting for the client: with the one being gathered and the one being sent, what the
# server holds of a file at most. The database's socket buffers the rows beyond them.
QUEUED_CHUNKS = 2


class _LineEnds:
    """Row ends LF → CRLF, outside quotes only, across chunk boundaries (module docstring)."""

    def __init__(self) -> None:
        self.quoted = False  # inside a quoted cell at the end of the last chunk

    def __call__(self, data: bytes) -> bytes:
        if QUOTE not in data:
            return data if self.quoted else data.replace(b"\n", b"\r\n")
        # From one LF to the next, an odd number of quote characters flips inside/outside. A
        # row has many quotes and one LF: counting the quotes between LFs (in C) visits each
        # row once, where splitting at the quotes visited every cell.
        parts, start, quoted = [], 0, self.quoted
        while (end := data.find(b"\n", start)) >= 0:
            quoted ^= data.count(QUOTE, start, end) % 2 == 1
            parts.append(data[start:end])
            parts.append(b"\n" if quoted else b"\r\n")
            start = end + 1
        self.quoted = quoted ^ (data.count(QUOTE, start) % 2 == 1)
        parts.append(data[start:])
        return b"".join(parts)


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


_DONE = object()


class _Sink:
    """The file psycopg2 writes the COPY into: gathers rows into chunks for the queue."""

    def __init__(self, chunks: queue.Queue, stopped: threading.Event):
        self.chunks = chunks
        self.stopped = stopped
        self.line_ends = _LineEnds()
        self.parts: list[bytes] = []
        self.size = 0
        self.rows = 0

    def write(self, data: bytes) -> None:
        # One call per row (PostgreSQL sends each row as one CopyData message); once the reader
        # has gone, `put` drops the chunks until the cancelled COPY ends.
        self.rows += 1
        self.parts.append(data)
        self.size += len(data)
        if self.size >= CHUNK_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            joined = b"".join(self.parts)
            self.parts, self.size = [], 0
            self.put(self.line_ends(joined))

    def put(self, item) -> None:
        """Wait for room in the queue, unless the reader has gone."""
        while not self.stopped.is_set():
            try:
                self.chunks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue


def copy_csv_chunks(
    select_sql: str, params, *, delimiter: str, before: tuple = ()
) -> Iterator[bytes]:
    """The rows of `select_sql` as CSV (`delimiter`, NULL as an empty cell, CRLF row ends), in
    chunks of about CHUNK_BYTES; the generator's return value is the number of rows. Run it
    inside a transaction (or a savepoint) of its own: a cancelled COPY leaves it rolled back,
    and it carries the COPY's DateStyle."""
    if delimiter not in {";", ","}:
        raise ValueError("the delimiter is ; or ,")
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        select = cursor.mogrify(select_sql, params).decode("utf-8")
    statement = (
        f"COPY ({select}) TO STDOUT WITH (FORMAT csv, DELIMITER '{delimiter}', ENCODING 'UTF8')"
    )
    chunks: queue.Queue = queue.Queue(maxsize=QUEUED_CHUNKS)
    stopped = threading.Event()
    sink = _Sink(chunks, stopped)

    def copy() -> None:
        try:
            with raw.cursor() as cursor:
                cursor.copy_expert(statement, sink)
            sink.flush()
            sink.put(_DONE)
        except BaseException as error:  # handed to the reader, raised there
            sink.put(_Failed(error))

    with raw.cursor() as cursor:
        # Dates as YYYY-MM-DD whatever the server's default, for this transaction only.
        cursor.execute("SET LOCAL DateStyle = 'ISO'")
        # Settings the statement reads (the pseudonyms' key), given in statements of their own.
        for sql, sql_params in before:
            cursor.execute(sql, sql_params)
    worker = threading.Thread(target=copy, name="export-copy", daemon=True)
    worker.start()
    try:
        while True:
            item = chunks.get()
            if item is _DONE:
                return sink.rows
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        if worker.is_alive():
            # The reader has gone (the client broke off, or an error): stop the server's work.
            stopped.set()
            raw.cancel()
        worker.join()
