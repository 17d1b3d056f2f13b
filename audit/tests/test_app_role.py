"""The application's database role cannot change the access log (SPEC §7, ADR 0020).

The whole suite runs as that role (samverkan/testing_db.py), as web, worker and beat do; here it
proves what the role may not do: UPDATE, DELETE, TRUNCATE, disabling the log's triggers and
dropping the log all fail with a permission error, by SQL and through the ORM, while reading and
appending work. The errors are PostgreSQL's own privilege errors, not the log's triggers (whose
messages say "append-only"). Each refusal is provoked in a savepoint so the test goes on."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from audit import dbroles
from audit.models import AccessLog
from audit.services import access_log_record

ROOT = Path(__file__).resolve().parents[2]
INSUFFICIENT_PRIVILEGE = "42501"


@pytest.fixture
def entry(person, fk_officer):
    return access_log_record(
        action=AccessLog.Action.VIEW, user=fk_officer, obj=person, purpose="eget ärendebestånd"
    )


def _refused(operation) -> str:
    """Run `operation` in a savepoint; return PostgreSQL's privilege error message."""
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic():
        operation()
    cause = excinfo.value.__cause__
    assert cause.pgcode == INSUFFICIENT_PRIVILEGE, cause
    assert "append-only" not in str(cause)
    return str(cause).strip()


def _sql(statement, params=None):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)

    return run


def _stored(entry):
    with connection.cursor() as cursor:
        cursor.execute("SELECT purpose, action FROM audit_accesslog WHERE id = %s", [entry.pk])
        return cursor.fetchone()


def test_the_suite_runs_as_a_role_that_is_neither_superuser_nor_owner(db, app_role):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT current_user, r.rolsuper, r.rolcreatedb, r.rolcreaterole,
                   pg_has_role(current_user, c.relowner, 'MEMBER')
            FROM pg_roles r, pg_class c
            WHERE r.rolname = current_user AND c.oid = 'audit_accesslog'::regclass
            """
        )
        assert cursor.fetchone() == (app_role, False, False, False, False)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_accesslog SET purpose = 'ändrad i efterhand' WHERE id = %s",
        "DELETE FROM audit_accesslog WHERE id = %s",
    ],
)
def test_update_and_delete_of_an_entry_are_refused(entry, statement):
    message = _refused(_sql(statement, [entry.pk]))

    assert message == "permission denied for table audit_accesslog"
    assert _stored(entry) == ("eget ärendebestånd", "view")


@pytest.mark.parametrize(
    "statement",
    ["TRUNCATE audit_accesslog", "TRUNCATE audit_accesslog CASCADE", "DELETE FROM audit_accesslog"],
)
def test_emptying_the_log_is_refused(entry, statement):
    message = _refused(_sql(statement))

    assert message == "permission denied for table audit_accesslog"
    assert AccessLog.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE audit_accesslog DISABLE TRIGGER ALL",
        "ALTER TABLE audit_accesslog DISABLE TRIGGER USER",
        "ALTER TABLE audit_accesslog DISABLE TRIGGER audit_accesslog_append_only",
        "ALTER TABLE audit_accesslog DISABLE TRIGGER audit_accesslog_no_truncate",
        "DROP TRIGGER audit_accesslog_append_only ON audit_accesslog",
        "ALTER TABLE audit_accesslog RENAME TO audit_accesslog_old",
        "DROP TABLE audit_accesslog",
        "DROP TABLE audit_accesslog CASCADE",
    ],
)
def test_statements_that_need_the_owner_are_refused(entry, statement):
    message = _refused(_sql(statement))

    # "of table" or, for DROP TRIGGER, "of relation"
    assert message.startswith("must be owner of ") and message.endswith(" audit_accesslog")
    assert _stored(entry) == ("eget ärendebestånd", "view")


def test_the_refusing_functions_can_be_neither_replaced_nor_dropped(db):
    replace = _refused(
        _sql(
            "CREATE OR REPLACE FUNCTION audit_accesslog_refuse_change() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"
        )
    )
    drop = _refused(_sql("DROP FUNCTION audit_accesslog_refuse_truncate() CASCADE"))

    assert replace.startswith("permission denied for schema public")
    assert drop == "must be owner of function audit_accesslog_refuse_truncate"


def test_triggers_cannot_be_silenced_for_the_session(db):
    # session_replication_role = replica would skip every ordinary trigger
    message = _refused(_sql("SET session_replication_role = replica"))

    assert message == 'permission denied to set parameter "session_replication_role"'


def test_the_role_creates_no_tables(db):
    message = _refused(_sql("CREATE TABLE audit_accesslog_copy (id integer)"))

    assert message.startswith("permission denied for schema public")


def test_orm_update_delete_and_save_are_refused(entry):
    loaded = AccessLog.objects.get(pk=entry.pk)
    loaded.purpose = "skäl: i efterhand tillagt"

    for operation in (
        lambda: AccessLog.objects.filter(pk=entry.pk).update(purpose="ändrad"),
        lambda: AccessLog.objects.filter(pk=entry.pk).delete(),
        AccessLog.objects.get(pk=entry.pk).delete,
        loaded.save,
    ):
        assert _refused(operation) == "permission denied for table audit_accesslog"

    assert _stored(entry) == ("eget ärendebestånd", "view")


def test_reading_and_appending_work(entry):
    before = AccessLog.objects.count()

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO audit_accesslog
                (occurred_at, username, action, object_type, object_id, purpose,
                 outside_caseload, path)
            VALUES (now(), 'skript', 'export', 'person', '', 'export via SQL', false, '')
            RETURNING id
            """
        )
        (sql_id,) = cursor.fetchone()
    orm_entry = AccessLog.objects.create(username="orm", action=AccessLog.Action.SEARCH)

    assert AccessLog.objects.count() == before + 2
    assert AccessLog.objects.get(pk=sql_id).purpose == "export via SQL"
    assert AccessLog.objects.get(pk=orm_entry.pk).username == "orm"


def test_the_role_writes_other_tables(entry, person):
    # the log's limits are its own: ordinary tables take UPDATE and DELETE
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_person SET first_name = 'Greta' WHERE id = %s", [person.pk])
        cursor.execute("DELETE FROM django_session")


def test_log_powers_names_what_the_owner_could_do(owner_cursor):
    # (where the owner is a superuser, an external server's, "superuser" comes first)
    powers = dbroles.log_powers(owner_cursor)

    assert powers[-6:] == ["owner", "schema owner", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER"]


def test_granting_takes_back_a_privilege_given_by_mistake(owner_cursor, app_role):
    # given an operator who granted the application role too much on the log
    owner_cursor.execute(f"GRANT ALL ON audit_accesslog TO {dbroles.ident(app_role)}")
    assert dbroles.log_powers(owner_cursor, app_role) == ["UPDATE", "DELETE", "TRUNCATE", "TRIGGER"]

    # when the role is granted its privileges again (as after every migrate)
    dbroles.grant_app_role(owner_cursor, app_role)

    # then it may only read and append to the log, and still write the other tables
    assert dbroles.log_powers(owner_cursor, app_role) == []
    owner_cursor.execute(
        "SELECT has_table_privilege(%s, 'audit_accesslog', 'INSERT'),"
        " has_table_privilege(%s, 'cases_person', 'UPDATE'),"
        " has_table_privilege(%s, 'cases_person', 'TRUNCATE')",
        [app_role] * 3,
    )
    assert owner_cursor.fetchone() == (True, True, False)


def test_tables_of_later_migrations_get_the_privileges_at_once(owner_cursor, app_role):
    # given the default privileges the grant set up, when the owner creates a table
    owner_cursor.execute("CREATE TABLE later_migration_table (id integer)")

    owner_cursor.execute(
        "SELECT has_table_privilege(%s, 'later_migration_table', 'SELECT, INSERT, UPDATE, DELETE'),"
        " has_table_privilege(%s, 'later_migration_table', 'TRUNCATE')",
        [app_role] * 2,
    )
    assert owner_cursor.fetchone() == (True, False)


def _grant_app_role_command(url, role):
    return subprocess.run(
        [sys.executable, "manage.py", "grant_app_role", role],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "samverkan.settings.test",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_grant_app_role_command_run_as_the_owner(_test_database_roles, owner_cursor, app_role):
    # given a mistaken privilege, committed so that the command's own connection sees it
    owner_cursor.execute(f"GRANT UPDATE ON audit_accesslog TO {dbroles.ident(app_role)}")
    owner_cursor.connection.commit()
    try:
        # when operations run the command with the owner's URL
        result = _grant_app_role_command(_test_database_roles.url(owner=True), app_role)
        powers_after = dbroles.log_powers(owner_cursor, app_role)
    finally:
        dbroles.grant_app_role(owner_cursor, app_role)
        owner_cursor.connection.commit()

    # then the role has lost it
    assert result.returncode == 0, result.stdout + result.stderr
    assert "bara läsa och lägga till i audit_accesslog" in result.stdout
    assert powers_after == []


def test_grant_app_role_command_refuses_to_take_the_owner_for_the_application(
    _test_database_roles, owner_cursor
):
    owner = _test_database_roles.owner[0]
    result = _grant_app_role_command(_test_database_roles.url(owner=True), owner)

    assert result.returncode != 0
    assert "Kör det som ägarrollen" in result.stderr


def test_grant_app_role_command_names_an_unknown_role(_test_database_roles, owner_cursor):
    result = _grant_app_role_command(_test_database_roles.url(owner=True), "ingen_sadan_roll")

    assert result.returncode != 0
    assert "Det finns ingen databasroll 'ingen_sadan_roll'" in result.stderr
