"""The test database is made as a production one is used (ADR 0020): created and migrated by the
owner role, then used by every test as the application role, so the suite runs with exactly the
privileges the application has and can prove what it may not do to the access log.

`DATABASE_URL` names the application role and `DATABASE_OWNER_URL` the owner (on the same
server); `samverkan.devstack exec`, and so `make test`, sets both. The owner must be allowed to
create databases.

Django empties the tables after a transactional test (browser tests, `transaction=True`) with one
TRUNCATE of every table. The application role may not truncate the access log, so that statement
runs on a connection of the owner whose session option `samverkan.allow_audit_truncate` lets it
past the log's TRUNCATE trigger (audit migration 0003). Besides creating, migrating and dropping
the database, that is all the owner does, apart from tests that say so."""

from __future__ import annotations

import contextlib
import os
from urllib.parse import quote, urlsplit, urlunsplit

import environ
import psycopg2
from django.conf import settings
from django.db import connections
from django.db.backends.postgresql.operations import DatabaseOperations

from audit import dbroles

OWNER_URL = "DATABASE_OWNER_URL"
_ALLOW_TRUNCATE = "-c samverkan.allow_audit_truncate=on"


class NoOwner(Exception):
    pass


class TestDatabaseRoles:
    """Switches the default connection between the owner and the application role."""

    def __init__(self, owner_url: str) -> None:
        self.owner_url = owner_url
        owner = environ.Env.db_url_config(owner_url)
        self.owner = (owner["USER"], owner["PASSWORD"])
        default = settings.DATABASES["default"]
        self.app = (default["USER"], default["PASSWORD"])
        self._flush_patch = None
        self._outer_url = None

    @classmethod
    def from_environment(cls) -> TestDatabaseRoles:
        url = os.environ.get(OWNER_URL)
        if not url:
            raise NoOwner(
                f"{OWNER_URL} saknas: testerna skapar sin databas som ägarrollen och kör som "
                "applikationens roll (DATABASE_URL). Kör dem med `make test` eller "
                "`python -m samverkan.devstack exec -- pytest …`, som sätter båda."
            )
        return cls(url)

    def _use(self, user: str, password: str) -> None:
        connection = connections["default"]
        connection.close()
        for settings_dict in (settings.DATABASES["default"], connection.settings_dict):
            settings_dict["USER"], settings_dict["PASSWORD"] = user, password

    def url(self, *, owner: bool = False) -> str:
        """The URL of the test database as the application role (or the owner)."""
        user, password = self.owner if owner else self.app
        name = connections["default"].settings_dict["NAME"]
        url = urlsplit(dbroles.with_credentials(self.owner_url, user, password))
        return urlunsplit(url._replace(path="/" + quote(name)))

    def use_owner(self) -> None:
        self._use(*self.owner)

    def use_app_role(self) -> None:
        """Grant the application role its privileges in the (migrated) test database, then
        connect as it, emptying tables as the owner."""
        with self.owner_connection() as conn, conn.cursor() as cursor:
            dbroles.grant_app_role(cursor, self.app[0])
            _allow_analyze(cursor, self.app[0])
            conn.commit()
        self._use(*self.app)
        # Commands the tests start in a subprocess use the test database too, as the application.
        self._outer_url = os.environ.get("DATABASE_URL")
        os.environ["DATABASE_URL"] = self.url()
        if self._flush_patch is None:
            self._flush_patch = _patch_flush(self)
            self._flush_patch.start()

    def stop(self) -> None:
        if self._outer_url is not None:
            os.environ["DATABASE_URL"] = self._outer_url
        if self._flush_patch is not None:
            self._flush_patch.stop()
            self._flush_patch = None

    @contextlib.contextmanager
    def owner_connection(self, *, allow_truncate: bool = False):
        """A psycopg2 connection of the owner to the current (test) database, rolled back and
        closed at the end unless committed."""
        options = {"options": _ALLOW_TRUNCATE} if allow_truncate else {}
        name = connections["default"].settings_dict["NAME"]
        conn = psycopg2.connect(self.owner_url, dbname=name, **options)
        try:
            yield conn
        finally:
            conn.rollback()
            conn.close()


def _allow_analyze(cursor, role: str) -> None:
    """Tests that build thousands of rows inside their transaction ANALYZE the tables, as
    autovacuum keeps a production database's statistics fresh; only the transaction itself sees
    those rows, so it must be the application role's own ANALYZE. PostgreSQL 17 lets the owner
    grant that (MAINTAIN: statistics and vacuum, no change to any row); the access log is left
    out (and its monthly partitions), so what the suite proves about the log still holds. Test
    databases only."""
    cursor.execute("SHOW server_version_num")
    if int(cursor.fetchone()[0]) < 170000:
        return
    cursor.execute(
        "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename <> %s AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = "
        "(quote_ident(schemaname) || '.' || quote_ident(tablename))::regclass "
        "AND i.inhparent = %s::regclass)",
        [dbroles.LOG_TABLE, dbroles.LOG_TABLE],
    )
    tables = ", ".join(name for (name,) in cursor.fetchall())
    if tables:
        cursor.execute(f"GRANT MAINTAIN ON {tables} TO {dbroles.ident(role)}")


def _patch_flush(roles: TestDatabaseRoles):
    from unittest import mock

    def execute_sql_flush(ops, sql_list):
        with roles.owner_connection(allow_truncate=True) as conn, conn.cursor() as cursor:
            for sql in sql_list:
                cursor.execute(sql)
            conn.commit()

    return mock.patch.object(DatabaseOperations, "execute_sql_flush", execute_sql_flush)
