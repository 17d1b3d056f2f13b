"""Plumbing for background jobs that work on a user's file (the exports' and the imports'): a
private directory, a file there readable by the service account only, the clean-up of files
left behind, and progress written outside the job's own transaction.

SPEC §7: an uploaded file holds personal data; it lives in a directory only the service account
can enter (0700), as a file only it can read (0600), and only as long as its job needs it."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path

from django.db import connections

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: str | os.PathLike) -> Path:
    """The directory, created when missing, entered by the service account only (whatever the
    umask made of it)."""
    directory = Path(path)
    directory.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(directory, DIR_MODE)
    return directory


def private_file_open(path: Path):
    """A new file at `path` opened for writing, 0600 from its first byte: created with that mode
    and set to it exactly, since the umask could only have narrowed it. Never follows or
    overwrites an existing name."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)
        return os.fdopen(descriptor, "wb")
    except BaseException:
        os.close(descriptor)
        raise


def save_private_file(path: Path, chunks: Iterable[bytes]) -> int:
    """Write `chunks` to a new file at `path` (private_file_open); returns its size. A failure
    leaves no file."""
    size = 0
    target = private_file_open(path)
    try:
        with target:
            for chunk in chunks:
                target.write(chunk)
                size += len(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return size


def remove_stale_files(directory: Path, *, older_than: dt.datetime, keep: set[str]) -> int:
    """Remove the directory's files last changed before `older_than`, except the names in
    `keep`; returns how many were removed."""
    removed = 0
    for path in directory.iterdir():
        if not path.is_file() or path.name in keep:
            continue
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
        if modified < older_than:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


class SideConnection:
    """A database connection of its own, in autocommit, for a job's progress: the job's work
    runs in one long transaction (all or nothing) whose writes nobody sees until it ends, but
    the page polling the job must see the progress meanwhile. Used as a context manager."""

    def __init__(self, alias: str = "default"):
        self.alias = alias
        self._connection = None

    def __enter__(self) -> SideConnection:
        self._connection = connections.create_connection(self.alias)
        return self

    def execute(self, sql: str, params) -> int:
        """Run one statement, committed at once; returns the rows it changed."""
        with self._connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def __exit__(self, *exc_info) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
