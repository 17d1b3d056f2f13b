"""A dump restored into a fresh database on the same server holds the same figures, access log
and change history, row for row, and the access log is as protected as before (ADR 0020)."""

import contextlib
import hashlib
import json
import secrets
import threading
from io import StringIO

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.models import Area
from audit import dbroles
from backups.pgtools import BackupError
from backups.restore import app_role_secured, backup_restore, database_drop
from backups.services import application_database, backup_create, owner_database
from reporting.snapshots import previous_month, snapshot_compute

INSUFFICIENT_PRIVILEGE = "42501"
# The access log's partition functions (audit migration 0005), none executable by PUBLIC; the
# application role may call three (audit.dbroles.LOG_FUNCTIONS).
PARTITION_FUNCTIONS = (
    "audit_accesslog_copy_privileges(regclass,regclass)",
    "audit_accesslog_new_partition(text,text)",
    "audit_accesslog_add_month(date)",
    *dbroles.LOG_FUNCTIONS,
)


@pytest.fixture
def restored_names():
    """Names for restored databases (bk_restore_*), dropped afterwards."""
    names = []

    def new():
        names.append(f"bk_restore_{secrets.token_hex(4)}")
        return names[-1]

    yield new
    owner = owner_database("postgres")
    for name in names:
        database_drop(owner, name)
    with contextlib.closing(owner.connect()) as conn, conn.cursor() as cur:
        cur.execute("SELECT datname FROM pg_database WHERE datname LIKE 'bk\\_restore\\_%'")
        leftovers = [row[0] for row in cur.fetchall() if row[0].startswith(tuple(names))]
    assert leftovers == []


def table_digests(name: str) -> dict[str, tuple]:
    """Per table (and sequence) of `name`: the number of rows and an md5 of all rows in order,
    read as the owner."""
    with contextlib.closing(owner_database(name).connect()) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT c.relname, c.relkind FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S') ORDER BY 1"
        )
        digests = {}
        for table, kind in cur.fetchall():
            if kind == "S":
                cur.execute(f"SELECT last_value, is_called FROM {dbroles.ident(table)}")
                digests[table] = cur.fetchone()
                continue
            cur.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                f" FROM {dbroles.ident(table)} t"
            )
            digests[table] = cur.fetchone()
        return digests


def rows(digests: dict, *tables: str) -> int:
    return sum(digests[table][0] for table in tables)


@pytest.fixture
def product_data(monkeypatch):
    """Demo people, cases and their change history and access log, and the last month's
    snapshots of every area and the nation, committed."""
    monkeypatch.setenv("DEMO_PASSWORD", "Demo-lösenord-för-test-2026")
    call_command("load_demo", "--without-history", stdout=StringIO())
    month = previous_month(timezone.localdate())
    for area in [*Area.objects.all(), None]:
        snapshot_compute(area=area, month=month)


@pytest.mark.django_db(transaction=True)
def test_a_restored_database_holds_the_same_figures_log_and_history(
    tmp_path, product_data, restored_names
):
    # given a backup of the database with the product's data
    backup = backup_create(directory=tmp_path)
    ours = table_digests(connection.settings_dict["NAME"])
    # when it is restored into a new database
    target = restored_names()
    restored = backup_restore(path=backup.path, database=target)
    # then every table holds the same rows, and every sequence the same position
    theirs = table_digests(target)
    assert restored.database == target and not restored.replaced
    assert theirs == ours
    history = [table for table in ours if "historical" in table and ours[table][0]]
    assert rows(theirs, "reporting_monthlysnapshot") >= Area.objects.count() + 1
    assert rows(theirs, "audit_accesslog") > 0 and len(history) >= 3


def app_connection(name: str):
    return contextlib.closing(application_database().other(name).connect())


@pytest.mark.django_db(transaction=True)
def test_the_restored_access_log_keeps_its_protections(tmp_path, restored_names):
    # given a restored database with entries in the log
    backup = backup_create(directory=tmp_path)
    target = restored_names()
    backup_restore(path=backup.path, database=target)
    role = application_database().role
    # then the application role may read and append to the log, and nothing more
    with app_connection(target) as conn, conn.cursor() as cur:
        assert dbroles.log_powers(cur, role) == []
        cur.execute("SELECT count(*) FROM audit_accesslog")
        assert cur.fetchone()[0] >= 1
        cur.execute(
            "INSERT INTO audit_accesslog (occurred_at, username, action, object_type, "
            "object_id, purpose, outside_caseload, ip_address, path) "
            "VALUES (now(), 'test', 'view', '', '', '', false, NULL, '')"
        )
        for statement in (
            "UPDATE audit_accesslog SET purpose = 'ändrad'",
            "DELETE FROM audit_accesslog",
            "TRUNCATE audit_accesslog",
            "ALTER TABLE audit_accesslog DISABLE TRIGGER USER",
            "SELECT audit_accesslog_copy_privileges('audit_accesslog', 'audit_accesslog')",
        ):
            conn.rollback()
            with pytest.raises(psycopg2.Error) as refused:
                cur.execute(statement)
            assert refused.value.pgcode == INSUFFICIENT_PRIVILEGE, statement
            assert "append-only" not in str(refused.value)  # the rights refused, not a trigger
    # and the owner meets the triggers, on the log and its partitions
    with contextlib.closing(owner_database(target).connect()) as conn, conn.cursor() as cur:
        for statement in (
            "UPDATE audit_accesslog SET purpose = 'ändrad'",
            "TRUNCATE audit_accesslog",
        ):
            conn.rollback()
            with pytest.raises(psycopg2.Error, match="append-only"):
                cur.execute(statement)
        conn.rollback()
        cur.execute(
            "SELECT count(*) FROM pg_inherits i JOIN pg_trigger t ON t.tgrelid = i.inhrelid "
            "WHERE i.inhparent = 'audit_accesslog'::regclass AND t.tgenabled <> 'D' "
            "AND t.tgname IN ('audit_accesslog_append_only', 'audit_accesslog_no_truncate')"
        )
        triggers = cur.fetchone()[0]
        cur.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'audit_accesslog'::regclass"
        )
        partitions = cur.fetchone()[0]
        assert partitions >= 1 and triggers == 2 * partitions
        # the partition functions' REVOKE from PUBLIC came back with the dump's privileges
        cur.execute(
            "SELECT f, has_function_privilege('public', f, 'EXECUTE'), "
            "has_function_privilege(%s, f, 'EXECUTE') FROM unnest(%s::text[]) AS f",
            [role, list(PARTITION_FUNCTIONS)],
        )
        assert {f: (public, app) for f, public, app in cur.fetchall()} == {
            f: (False, f in dbroles.LOG_FUNCTIONS) for f in PARTITION_FUNCTIONS
        }
        # and a restore that found a trigger off would say so
        cur.execute("ALTER TABLE audit_accesslog DISABLE TRIGGER audit_accesslog_append_only")
        conn.commit()
    with pytest.raises(BackupError, match="utan triggrar: .*audit_accesslog"):
        app_role_secured(owner_database(target), role)


@pytest.mark.django_db(transaction=True)
def test_a_database_that_is_not_empty_is_refused_unless_overwritten(tmp_path, restored_names):
    # given a restored database someone has since written to
    backup = backup_create(directory=tmp_path)
    target = restored_names()
    backup_restore(path=backup.path, database=target)
    with contextlib.closing(owner_database(target).connect()) as conn, conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE efter_aterstallning (id int)")
    before = table_digests(target)
    # when the dump is restored there again, it is refused and nothing changes
    with pytest.raises(BackupError, match=f"Databasen {target} är inte tom"):
        backup_restore(path=backup.path, database=target)
    assert table_digests(target) == before
    # nor while the application is connected to it: the owner may not end its session
    with app_connection(target) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1")
        with pytest.raises(BackupError, match="Stoppa webb, Celery-worker och beat"):
            backup_restore(path=backup.path, database=target, overwrite=True)
    assert table_digests(target) == before
    # unless overwriting is asked for: then the database is the dump again
    restored = backup_restore(path=backup.path, database=target, overwrite=True)
    after = table_digests(target)
    assert restored.replaced and "efter_aterstallning" not in after
    assert after == {k: v for k, v in before.items() if k != "efter_aterstallning"}
    with contextlib.closing(owner_database("postgres").connect()) as conn, conn.cursor() as cur:
        cur.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{target[:40]}%"])
        assert [row[0] for row in cur.fetchall()] == [target]  # no database left beside it


@pytest.mark.django_db(transaction=True)
def test_an_application_session_that_leaves_during_the_drop_is_waited_for(tmp_path, restored_names):
    # given a restored database the application is connected to, and stops using half a
    # second after the drop has begun (a backend ends a moment after its client has gone)
    target = restored_names()
    backup_restore(path=backup_create(directory=tmp_path).path, database=target)
    conn = application_database().other(target).connect()
    leaving = threading.Timer(0.5, conn.close)
    leaving.start()
    # when the owner drops it, the drop waits for the session rather than refusing
    try:
        database_drop(owner_database("postgres"), target)
    finally:
        leaving.join()
    # then the database is gone
    with contextlib.closing(owner_database("postgres").connect()) as owner, owner.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target])
        assert cur.fetchone() is None


@pytest.mark.django_db(transaction=True)
def test_a_changed_dump_is_not_restored_and_creates_nothing(tmp_path, restored_names):
    backup = backup_create(directory=tmp_path)
    data = bytearray(backup.path.read_bytes())
    data[-10] ^= 0xFF
    backup.path.write_bytes(bytes(data))
    target = restored_names()
    with pytest.raises(CommandError, match="stämmer inte med sitt manifest"):
        call_command("restore", "--file", str(backup.path), "--database", target)
    with contextlib.closing(owner_database("postgres").connect()) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target])
        assert cur.fetchone() is None


@pytest.mark.django_db(transaction=True)
def test_a_dump_that_fails_to_restore_leaves_no_database(tmp_path, restored_names):
    # given a dump whose manifest matches but which is no dump
    backup = backup_create(directory=tmp_path)
    backup.path.write_bytes(b"inte en dump")
    fake = json.loads(backup.manifest_path.read_text())
    fake.update(size=12, sha256=hashlib.sha256(b"inte en dump").hexdigest())
    backup.manifest_path.write_text(json.dumps(fake))
    target = restored_names()
    with pytest.raises(BackupError, match="pg_restore misslyckades"):
        backup_restore(path=backup.path, database=target)
    with contextlib.closing(owner_database("postgres").connect()) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target])
        assert cur.fetchone() is None


def test_restore_without_the_owner_is_refused(tmp_path, monkeypatch, db):
    backup = backup_create(directory=tmp_path)
    monkeypatch.delenv("DATABASE_OWNER_URL")
    with pytest.raises(CommandError, match="DATABASE_OWNER_URL"):
        call_command("restore", "--file", str(backup.path), "--database", "bk_restore_x")


def test_restore_of_a_missing_file_says_so(tmp_path, db):
    with pytest.raises(CommandError, match="finns inte"):
        call_command("restore", "--file", str(tmp_path / "saknas.dump"))


def test_restore_refuses_a_bad_database_name(tmp_path, db):
    backup = backup_create(directory=tmp_path)
    with pytest.raises(CommandError, match="Ogiltigt databasnamn"):
        call_command("restore", "--file", str(backup.path), "--database", "x" * 64)


def test_restore_into_the_running_database_is_refused(tmp_path, db):
    backup = backup_create(directory=tmp_path)
    with pytest.raises(CommandError, match="är inte tom"):
        call_command("restore", "--file", str(backup.path))
