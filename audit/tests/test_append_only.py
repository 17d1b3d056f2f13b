"""The access log is append-only in the database itself (SPEC §7, audit migrations 0002, 0003).

Two walls keep it so. The application role has no privilege to change the log
(test_app_role.py, ADR 0020); behind that, triggers refuse UPDATE, DELETE and TRUNCATE for every
role, the owner included. These tests are about the triggers, so they run their statements as the
owner, on a connection of its own, each in a savepoint so the statements after a refusal still
run."""

import psycopg2
import pytest
from django.db import connection

INSERT = """
INSERT INTO audit_accesslog
    (occurred_at, username, action, object_type, object_id, purpose, outside_caseload, path)
VALUES (now(), 'fk.sdt', 'view', 'person', '1', 'eget ärendebestånd', false, '')
RETURNING id
"""


@pytest.fixture
def entry_id(owner_cursor):
    owner_cursor.execute(INSERT)
    return owner_cursor.fetchone()[0]


def _refused(cursor, sql, params=None):
    """Run `sql` in a savepoint and return the trigger's refusal."""
    cursor.execute("SAVEPOINT attempt")
    with pytest.raises(psycopg2.Error) as excinfo:
        cursor.execute(sql, params)
    cursor.execute("ROLLBACK TO SAVEPOINT attempt")
    assert "append-only" in str(excinfo.value)
    return excinfo.value


def _stored(cursor, entry_id):
    cursor.execute("SELECT purpose, action FROM audit_accesslog WHERE id = %s", [entry_id])
    return cursor.fetchone()


def test_append_only_trigger_is_installed_for_update_and_delete(db):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT tgname, tgenabled, pg_get_triggerdef(oid)
            FROM pg_trigger
            WHERE tgrelid = 'audit_accesslog'::regclass AND NOT tgisinternal
            """
        )
        triggers = {name: (enabled, definition) for name, enabled, definition in cursor.fetchall()}

    assert "audit_accesslog_append_only" in triggers
    enabled, definition = triggers["audit_accesslog_append_only"]
    assert enabled == "O"  # fires in normal (origin) sessions, i.e. not disabled
    assert "BEFORE" in definition and "UPDATE" in definition and "DELETE" in definition
    assert "FOR EACH ROW" in definition
    assert triggers["audit_accesslog_no_truncate"][0] == "O"


def test_update_is_refused_even_for_the_owner(owner_cursor, entry_id):
    error = _refused(
        owner_cursor,
        "UPDATE audit_accesslog SET purpose = 'ändrad i efterhand' WHERE id = %s",
        [entry_id],
    )

    assert "UPDATE refused" in str(error)
    assert _stored(owner_cursor, entry_id) == ("eget ärendebestånd", "view")


def test_delete_is_refused_even_for_the_owner(owner_cursor, entry_id):
    error = _refused(owner_cursor, "DELETE FROM audit_accesslog WHERE id = %s", [entry_id])

    assert "DELETE refused" in str(error)
    assert _stored(owner_cursor, entry_id) == ("eget ärendebestånd", "view")


def test_delete_of_the_whole_table_is_refused_even_for_the_owner(owner_cursor, entry_id):
    _refused(owner_cursor, "DELETE FROM audit_accesslog")

    assert _stored(owner_cursor, entry_id) is not None


def test_truncate_is_refused_for_a_session_not_explicitly_allowed(owner_cursor, entry_id):
    # given the owner's session, which has not set samverkan.allow_audit_truncate (only the test
    # suite's emptying of tables between transactional tests does), and no foreign-key checks
    # still pending from the INSERT (PostgreSQL would refuse the TRUNCATE for those instead)
    owner_cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    error = _refused(owner_cursor, "TRUNCATE audit_accesslog CASCADE")

    assert "TRUNCATE refused" in str(error)
    assert _stored(owner_cursor, entry_id) is not None


def test_insert_still_works_for_the_owner(owner_cursor, entry_id):
    owner_cursor.execute(INSERT)

    owner_cursor.execute("SELECT count(*) FROM audit_accesslog WHERE id >= %s", [entry_id])
    assert owner_cursor.fetchone()[0] == 2
