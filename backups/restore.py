"""Restoring a dump (backups.services) into a database of its own (docs/RELIABILITY.md).

The restore runs as the owner role, checks the dump against its manifest first, and always
writes into a database it has just created. A target that does not exist is that database; an
existing one, empty or (only when `overwrite` is asked for) not, is replaced by it once the
restore has succeeded: a failed restore changes nothing. A target that holds anything is
refused without `overwrite`.

`pg_restore` runs in one transaction with `--no-owner` (the restoring owner owns what it
creates, whatever the original owner was called) and keeps the dump's privileges: the REVOKEs of
the access log and of its partition functions come back as they were. Then the application
role's rights are given again (`audit.dbroles.grant_app_role`, as after every `migrate`) and
checked: it may read and append to the access log and nothing more (ADR 0020)."""

from __future__ import annotations

import contextlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import psycopg2.errors
from django.utils.translation import gettext as _

from audit import dbroles

from .pgtools import BackupError, Database, find_tool, run
from .services import application_database, backup_verify, owner_database

# The triggers that keep the log append-only (audit migrations 0002, 0003, 0005), checked on the
# log and every partition after a restore.
LOG_TRIGGERS = ("audit_accesslog_append_only", "audit_accesslog_no_truncate")
_MAX_NAME = 63  # PostgreSQL's identifiers


@dataclass(frozen=True)
class Restored:
    database: str
    app_role: str
    manifest: dict
    replaced: bool
    seconds: float


def _name_checked(name: str) -> str:
    if not name or len(name.encode("utf-8")) > _MAX_NAME or "\x00" in name:
        raise BackupError(_("Ogiltigt databasnamn %(name)r: 1–63 tecken.") % {"name": name})
    return name


def _maintenance(owner: Database):
    """A connection of the owner to the server's `postgres` database, in autocommit (CREATE and
    DROP DATABASE run outside a transaction)."""
    conn = owner.other("postgres").connect()
    conn.autocommit = True
    return contextlib.closing(conn)


def _exists(owner: Database, name: str) -> bool:
    with _maintenance(owner) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cur.fetchone() is not None


def database_is_empty(db: Database) -> bool:
    """No table, view, sequence or function of its own: only what a new database has."""
    with contextlib.closing(db.connect()) as conn, conn.cursor() as cur:
        cur.execute(
            """
            SELECT NOT EXISTS (
                SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%')
            AND NOT EXISTS (
                SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema'))
            """
        )
        return bool(cur.fetchone()[0])


def _create(owner: Database, name: str) -> None:
    with _maintenance(owner) as conn, conn.cursor() as cur:
        try:
            cur.execute(f"CREATE DATABASE {dbroles.ident(name)}")
        except psycopg2.Error as exc:
            raise BackupError(
                _("Kunde inte skapa databasen %(name)s som %(role)s: %(error)s")
                % {"name": name, "role": owner.role, "error": str(exc).strip()}
            ) from None


def database_drop(owner: Database, name: str, *, attempts: int = 3) -> None:
    """DROP DATABASE … WITH (FORCE). A session of another role (the running application's) the
    owner may not end, and PostgreSQL refuses; so it does for a session slow to leave (an
    autovacuum worker on a busy server, the backend of an application just stopped, which
    ends a moment after its client has gone). Both are waited for, up to `attempts` times;
    a session that stays is the refusal reported."""
    for attempt in range(attempts):
        try:
            with _maintenance(owner) as conn, conn.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS {dbroles.ident(name)} WITH (FORCE)")
            return
        except (psycopg2.errors.ObjectInUse, psycopg2.errors.InsufficientPrivilege):
            if attempt == attempts - 1:
                raise
            time.sleep(1)


def database_drop_quietly(owner: Database, name: str) -> None:
    """On the way out of a failed restore: the first error is the one to report."""
    with contextlib.suppress(psycopg2.Error):
        database_drop(owner, name)


def _replace(owner: Database, new: str, target: str) -> None:
    """The restored database `new` takes the name `target`; the old one is dropped first, and
    when that is refused nothing has changed but `new`, which goes too."""
    try:
        database_drop(owner, target)
    except psycopg2.Error as exc:
        database_drop_quietly(owner, new)
        raise BackupError(
            _(
                "Databasen %(name)s kunde inte ersättas (%(error)s). Stoppa webb, Celery-worker "
                "och beat som använder den och försök igen; ingenting har ändrats."
            )
            % {"name": target, "error": str(exc).strip()}
        ) from None
    with _maintenance(owner) as conn, conn.cursor() as cur:
        cur.execute(f"ALTER DATABASE {dbroles.ident(new)} RENAME TO {dbroles.ident(target)}")


def app_role_secured(db: Database, app_role: str) -> None:
    """Give the application role its rights in `db` (as its owner) and check the access log's
    protections: both triggers on the log and each partition, and no power of the role over
    the log beyond SELECT and INSERT."""
    with contextlib.closing(db.connect()) as conn:
        with conn, conn.cursor() as cur:
            try:
                dbroles.grant_app_role(cur, app_role)
            except psycopg2.Error as exc:
                raise BackupError(
                    _("Applikationsrollen %(role)s kunde inte få sina rättigheter: %(error)s")
                    % {"role": app_role, "error": str(exc).strip()}
                ) from None
            powers = dbroles.log_powers(cur, app_role)
            cur.execute(
                """
                SELECT c.oid::regclass::text, t.tgname
                FROM pg_class c
                CROSS JOIN unnest(%s::text[]) AS wanted(name)
                LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND t.tgname = wanted.name
                     AND t.tgenabled <> 'D'
                WHERE c.oid = to_regclass(%s)
                   OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass(%s))
                """,
                [list(LOG_TRIGGERS), dbroles.LOG_TABLE, dbroles.LOG_TABLE],
            )
            missing = sorted({table for table, trigger in cur.fetchall() if trigger is None})
    if powers is None or powers or missing:
        raise BackupError(
            _(
                "Åtkomstloggens skydd saknas i den återställda databasen %(name)s "
                "(rollens befogenheter: %(powers)s; utan triggrar: %(missing)s)."
            )
            % {
                "name": db.name,
                "powers": ", ".join(powers or []) if powers is not None else _("ingen logg"),
                "missing": ", ".join(missing) or "–",
            }
        )


def backup_restore(*, path: Path, database: str | None = None, overwrite: bool = False) -> Restored:
    """Restore the dump at `path` into `database` (by default the configured one)."""
    manifest = backup_verify(path=path)
    app = application_database()
    target = _name_checked(database or app.name)
    owner = owner_database(target)
    if owner is None:
        raise BackupError(
            _(
                "Återställningen körs som ägarrollen: sätt DATABASE_OWNER_URL (som "
                "`python -m samverkan.devstack exec` gör)."
            )
        )
    pg_restore, major = find_tool("pg_restore", owner.other("postgres"))
    if int(manifest.get("server_major") or 0) > major:
        raise BackupError(
            _("Säkerhetskopian är från PostgreSQL %(dump)s och kan inte läsas in i %(server)s.")
            % {"dump": manifest.get("server_major"), "server": major}
        )
    exists = _exists(owner, target)
    if exists and not overwrite and not database_is_empty(owner):
        raise BackupError(
            _(
                "Databasen %(name)s är inte tom och skrivs inte över. Återställ till en ny "
                "databas (--database NAMN), eller ange --overwrite för att ersätta den."
            )
            % {"name": target}
        )
    # An existing database is replaced only once the restore beside it has succeeded.
    into = f"{target[:40]}_restore_{secrets.token_hex(4)}" if exists else target
    _create(owner, into)
    restoring = owner.other(into)
    started = time.monotonic()
    try:
        run(
            [
                str(pg_restore),
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                "-d",
                restoring.url,
                str(path),
            ],
            restoring,
        )
        app_role_secured(restoring, app.role)
    except BaseException:
        database_drop_quietly(owner, into)
        raise
    if exists:
        _replace(owner, into, target)
    seconds = round(time.monotonic() - started, 2)
    return Restored(target, app.role, manifest, replaced=exists, seconds=seconds)
