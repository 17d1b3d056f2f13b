"""The database roles, and the one place that says what the application's role may do (SPEC §7,
ADR 0020).

Two roles share the database:

- the *owner* runs `migrate` and owns every table, sequence and function;
- the *application role* (web, Celery worker, Celery beat) logs in without being the owner, a
  superuser or able to create databases or roles. It may read and write every table but only read
  and append to the access log: no UPDATE, DELETE or TRUNCATE, and, owning nothing, it cannot
  disable the log's triggers, alter it or drop it.

The functions take a DB-API cursor (psycopg2's own or Django's) and import nothing from Django:
`samverkan.devstack` uses them before Django starts, `manage.py grant_app_role` after `migrate`,
the test setup on the test database, and the deployment check (`audit.checks`) asks
`log_powers`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

LOG_TABLE = "audit_accesslog"
# The names used where the roles are created here (the embedded server, or a server whose
# DATABASE_URL is a superuser's); a deployment chooses its own.
OWNER_ROLE = "samverkan_owner"
APP_ROLE = "samverkan_app"

# Two setups granting at once make PostgreSQL fail with "tuple concurrently updated".
_LOCK = "SELECT pg_advisory_xact_lock(hashtext('samverkan.dbroles'))"

# What the application role may do to the log beyond SELECT and INSERT, with the privilege or
# attribute that allows it. Ownership of the table (or its schema) allows DROP and ALTER TABLE …
# DISABLE TRIGGER; a superuser may do anything.
_POWERS_SQL = """
SELECT r.rolname,
       r.rolsuper,
       bool_or(pg_has_role(r.oid, c.relowner, 'MEMBER')),
       bool_or(pg_has_role(r.oid, n.nspowner, 'MEMBER')),
       bool_or(has_table_privilege(r.oid, c.oid, 'UPDATE')),
       bool_or(has_table_privilege(r.oid, c.oid, 'DELETE')),
       bool_or(has_table_privilege(r.oid, c.oid, 'TRUNCATE')),
       bool_or(has_table_privilege(r.oid, c.oid, 'TRIGGER'))
FROM pg_roles r
CROSS JOIN pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE r.rolname = coalesce(%s, current_user)
  AND (c.oid = to_regclass(%s)
       OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass(%s)))
GROUP BY r.rolname, r.rolsuper
"""
# The access log is partitioned by month (audit migration 0005): each partition is a table of its
# own that a role could be given rights on, so every check and REVOKE covers them all.
_PARTITIONS_SQL = (
    "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = to_regclass(%s) ORDER BY 1"
)
# What the application role may call about the log's partitions (audit.partitions): creating
# months ahead, and the retention's list and drop of months older than five years or more. They
# run as the owner and keep their own limits; the role still owns nothing.
LOG_FUNCTIONS = (
    "audit_accesslog_add_partitions(integer)",
    "audit_accesslog_expired_partitions(integer)",
    "audit_accesslog_drop_expired(integer)",
)
POWERS = ("superuser", "owner", "schema owner", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER")


def ident(name: str) -> str:
    """A role or database name as a quoted SQL identifier."""
    if not name or "\x00" in name:
        raise ValueError(f"ogiltigt namn: {name!r}")
    return '"' + name.replace('"', '""') + '"'


def _is_superuser(cursor) -> bool:
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    return bool(cursor.fetchone()[0])


def ensure_login_role(cursor, name: str, password: str, *, createdb: bool = False) -> None:
    """Create the login role, or give an existing one this password; idempotent. Run in a
    transaction, as a superuser or a role with CREATEROLE."""
    cursor.execute(_LOCK)
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
    verb = "ALTER ROLE" if cursor.fetchone() else "CREATE ROLE"
    attributes = ["LOGIN"]
    # Only a superuser may name these attributes at all, even to switch them off; a new role
    # created by anyone else has them off anyway.
    if _is_superuser(cursor):
        attributes += ["NOSUPERUSER", "NOCREATEROLE", "NOREPLICATION", "NOBYPASSRLS"]
        attributes.append("CREATEDB" if createdb else "NOCREATEDB")
    cursor.execute(f"{verb} {ident(name)} WITH {' '.join(attributes)} PASSWORD %s", [password])


def grant_app_role(cursor, role: str, *, owner: str | None = None) -> None:
    """Give `role` what the application needs in the current database, and on the access log
    SELECT and INSERT only. Run in a transaction as the owner (or as a superuser naming the
    `owner`) after every `migrate`; idempotent.

    The default privileges give tables that a later migration creates the same rights at once;
    the access log existed before, so only this function's REVOKE decides what the role may do
    to it and its partitions (and the deployment check says when that was forgotten). A
    partition made later copies the log's privileges (audit migration 0005)."""
    cursor.execute(_LOCK)
    for statement in app_role_statements(cursor, role, owner=owner):
        cursor.execute(statement)


def app_role_statements(cursor, role: str, *, owner: str | None = None) -> list[str]:
    """The statements `grant_app_role` runs, for the current database as it is now: the access
    log's REVOKE and its functions' GRANT only once `migrate` has made them (`manage.py
    db_roles` prints them)."""
    app = ident(role)
    for_owner = f"FOR ROLE {ident(owner)} " if owner else ""
    cursor.execute("SELECT current_database(), to_regclass(%s) IS NOT NULL", [LOG_TABLE])
    database, log_exists = cursor.fetchone()
    statements = [
        f"GRANT CONNECT, TEMPORARY ON DATABASE {ident(database)} TO {app}",
        f"GRANT USAGE ON SCHEMA public TO {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}",
        f"ALTER DEFAULT PRIVILEGES {for_owner}IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES {for_owner}IN SCHEMA public "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {app}",
        # Before PostgreSQL 15 every role may create tables in `public`; the application never
        # needs to (a warning, not an error, where the owner does not own the schema).
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
    ]
    if log_exists:
        cursor.execute(_PARTITIONS_SQL, [LOG_TABLE])
        for table in [LOG_TABLE, *(name for (name,) in cursor.fetchall())]:
            statements.append(
                f"REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON {table} "
                f"FROM {app}, PUBLIC"
            )
    for function in LOG_FUNCTIONS:
        cursor.execute("SELECT to_regprocedure(%s) IS NOT NULL", [function])
        if cursor.fetchone()[0]:
            statements.append(f"GRANT EXECUTE ON FUNCTION {function} TO {app}")
    return statements


def role_statements(cursor, *, owner: str, app: str) -> list[str]:
    """The statements that make the two roles where they are missing (login, no password: the
    administrator sets one with psql's \\password) and give the database and its objects to
    the owner. Run as a superuser or a role with CREATEROLE."""
    statements = []
    for name, createdb in ((owner, False), (app, False)):
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        if cursor.fetchone() is None:
            statements.append(
                f"CREATE ROLE {ident(name)} WITH LOGIN NOSUPERUSER NOCREATEROLE "
                f"{'CREATEDB' if createdb else 'NOCREATEDB'} NOREPLICATION NOBYPASSRLS"
            )
    cursor.execute("SELECT current_database()")
    (database,) = cursor.fetchone()
    statements += [
        f"ALTER DATABASE {ident(database)} OWNER TO {ident(owner)}",
        f"ALTER SCHEMA public OWNER TO {ident(owner)}",
    ]
    return statements


def adopt_objects(cursor, owner: str) -> None:
    """Make `owner` the owner of the current database's tables, views, sequences and functions
    in `public` that another role (a superuser, before there were two roles) created. Run as a
    superuser in a transaction; idempotent."""
    cursor.execute(_LOCK)
    cursor.execute(
        """
        SELECT format('ALTER %%s %%s OWNER TO %%I',
                      CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                     WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                      c.oid::regclass, %s)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
          AND c.relowner <> to_regrole(%s)
          -- a column's sequence follows its table
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
        UNION ALL
        SELECT format('ALTER ROUTINE %%s OWNER TO %%I', p.oid::regprocedure, %s)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.proowner <> to_regrole(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e')
        """,
        [owner, owner, owner, owner],
    )
    for (statement,) in cursor.fetchall():
        cursor.execute(statement)


def log_powers(cursor, role: str | None = None) -> list[str] | None:
    """What `role` (by default the session's own) could do to the access log or any of its
    partitions beyond reading and appending: names from POWERS, empty when nothing; None when
    the table does not exist."""
    cursor.execute(_POWERS_SQL, [role, LOG_TABLE, LOG_TABLE])
    row = cursor.fetchone()
    if row is None:
        return None
    return [power for power, can in zip(POWERS, row[1:], strict=True) if can]


def with_credentials(url: str, user: str, password: str) -> str:
    """The same database URL with another role's user name and password."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def stored_password(path: Path) -> str:
    """A random password kept in `path` (created on first use, readable by its owner only)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        draft.touch(mode=0o600)
        draft.write_text(secrets.token_urlsafe(32))
        # A link never replaces an existing file: of two first starts at once, one password wins
        # and both read it.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    return path.read_text().strip()
