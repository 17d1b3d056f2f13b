"""`manage.py db_roles`: the two roles of a deployment as SQL, printed for a database
administrator or applied (ADR 0020). Run with the owner's URL, as operations would after a
migrate."""

import os
import subprocess
import sys
from pathlib import Path

from audit import dbroles

ROOT = Path(__file__).resolve().parents[2]


def _db_roles(url, *args):
    return subprocess.run(
        [sys.executable, "manage.py", "db_roles", *args],
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


def _mistake(owner_cursor, app_role):
    owner_cursor.execute(f"GRANT UPDATE, DELETE ON audit_accesslog TO {dbroles.ident(app_role)}")
    owner_cursor.connection.commit()


def _repair(owner_cursor, app_role):
    dbroles.grant_app_role(owner_cursor, app_role)
    owner_cursor.connection.commit()


def test_printing_changes_nothing_and_the_printed_sql_does_what_apply_does(
    _test_database_roles, owner_cursor, app_role
):
    owner = _test_database_roles.owner[0]
    _mistake(owner_cursor, app_role)
    try:
        result = _db_roles(
            _test_database_roles.url(owner=True), "--owner", owner, "--app", app_role
        )
        powers_after_printing = dbroles.log_powers(owner_cursor, app_role)
        # when the administrator runs what was printed
        statements = [
            line.rstrip(";") for line in result.stdout.splitlines() if not line.startswith("--")
        ]
        for statement in statements:
            owner_cursor.execute(statement)
        powers_after_running = dbroles.log_powers(owner_cursor, app_role)
    finally:
        owner_cursor.connection.rollback()
        _repair(owner_cursor, app_role)

    assert result.returncode == 0, result.stderr
    assert powers_after_printing == ["UPDATE", "DELETE"]
    # the log and each of its monthly partitions lose every power beyond SELECT and INSERT
    revokes = [s for s in statements if s.startswith("REVOKE UPDATE, DELETE, TRUNCATE")]
    owner_cursor.execute(
        "SELECT count(*) FROM pg_inherits WHERE inhparent = 'audit_accesslog'::regclass"
    )
    assert len(revokes) == 1 + owner_cursor.fetchone()[0]
    assert (
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {dbroles.ident(owner)} IN SCHEMA public"
        in result.stdout
    )
    assert "REVOKE CREATE ON SCHEMA public FROM PUBLIC;" in result.stdout
    # both roles exist already: nothing to create
    assert "CREATE ROLE" not in result.stdout
    assert powers_after_running == []


def test_apply_takes_back_a_mistaken_privilege(_test_database_roles, owner_cursor, app_role):
    owner = _test_database_roles.owner[0]
    _mistake(owner_cursor, app_role)
    try:
        result = _db_roles(
            _test_database_roles.url(owner=True), "--owner", owner, "--app", app_role, "--apply"
        )
        powers = dbroles.log_powers(owner_cursor, app_role)
    finally:
        _repair(owner_cursor, app_role)

    assert result.returncode == 0, result.stderr
    assert "bara läsa och lägga till i audit_accesslog" in result.stdout
    assert powers == []


def test_a_missing_role_is_created_in_the_printed_sql(_test_database_roles, owner_cursor):
    owner = _test_database_roles.owner[0]
    result = _db_roles(
        _test_database_roles.url(owner=True), "--owner", owner, "--app", "ny_app_roll"
    )

    assert result.returncode == 0, result.stderr
    assert (
        'CREATE ROLE "ny_app_roll" WITH LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB '
        "NOREPLICATION NOBYPASSRLS;" in result.stdout
    )
    assert 'GRANT USAGE ON SCHEMA public TO "ny_app_roll";' in result.stdout


def test_apply_without_the_right_to_create_roles_is_refused_and_changes_nothing(
    _test_database_roles, owner_cursor, app_role
):
    owner = _test_database_roles.owner[0]
    _mistake(owner_cursor, app_role)
    try:
        result = _db_roles(
            _test_database_roles.url(owner=True),
            "--owner",
            owner,
            "--app",
            "ny_app_roll",
            "--apply",
        )
        owner_cursor.execute("SELECT to_regrole('ny_app_roll') IS NULL")
        (no_role,) = owner_cursor.fetchone()
        powers = dbroles.log_powers(owner_cursor, app_role)
    finally:
        _repair(owner_cursor, app_role)

    assert result.returncode != 0
    assert "Databasen vägrade" in result.stderr and "Inget ändrades" in result.stderr
    assert "Traceback" not in result.stderr
    assert no_role
    # the whole run was one transaction: the mistaken privilege is still there
    assert powers == ["UPDATE", "DELETE"]


def test_the_same_role_for_both_is_refused(_test_database_roles, owner_cursor):
    owner = _test_database_roles.owner[0]
    result = _db_roles(_test_database_roles.url(owner=True), "--owner", owner, "--app", owner)

    assert result.returncode != 0
    assert "två olika roller" in result.stderr
