"""The access log is append-only in the database itself (SPEC §7, audit migration 0002).

Every refusal is provoked inside `transaction.atomic()` so the failed statement only rolls back
its savepoint and the test database stays usable for the checks that follow."""

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError

from audit.models import AccessLog
from audit.services import access_log_record

REFUSED = (InternalError, ProgrammingError)


@pytest.fixture
def entry(person, fk_officer):
    return access_log_record(
        action=AccessLog.Action.VIEW,
        user=fk_officer,
        obj=person,
        purpose="eget ärendebestånd",
    )


def _refused(operation):
    """Run `operation` in a savepoint and return the database's refusal."""
    with pytest.raises(REFUSED) as excinfo:
        with transaction.atomic():
            operation()
    assert "append-only" in str(excinfo.value)
    return excinfo.value


def _stored(entry):
    """The row as it is in the table, read with SQL (no model instance involved)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT purpose, action FROM audit_accesslog WHERE id = %s", [entry.pk])
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


def test_raw_sql_update_is_refused_by_the_database(entry):
    def update():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_accesslog SET purpose = 'ändrad i efterhand' WHERE id = %s",
                [entry.pk],
            )

    error = _refused(update)

    assert "UPDATE refused" in str(error)
    assert _stored(entry) == ("eget ärendebestånd", "view")


def test_raw_sql_delete_is_refused_by_the_database(entry):
    def delete():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_accesslog WHERE id = %s", [entry.pk])

    error = _refused(delete)

    assert "DELETE refused" in str(error)
    assert _stored(entry) == ("eget ärendebestånd", "view")


def test_raw_sql_delete_of_the_whole_table_is_refused(entry):
    def delete_all():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_accesslog")

    _refused(delete_all)

    assert AccessLog.objects.filter(pk=entry.pk).exists()


def test_orm_queryset_update_is_refused(entry):
    _refused(lambda: AccessLog.objects.filter(pk=entry.pk).update(purpose="ändrad"))

    assert _stored(entry) == ("eget ärendebestånd", "view")


def test_orm_queryset_delete_is_refused(entry):
    _refused(lambda: AccessLog.objects.filter(pk=entry.pk).delete())

    assert AccessLog.objects.filter(pk=entry.pk).exists()


def test_orm_instance_delete_is_refused(entry):
    _refused(entry.delete)

    assert AccessLog.objects.filter(pk=entry.pk).exists()


def test_orm_save_after_changing_an_entry_is_refused(entry):
    # given an entry loaded and changed in memory
    loaded = AccessLog.objects.get(pk=entry.pk)
    loaded.purpose = "skäl: i efterhand tillagt"
    loaded.outside_caseload = True

    # when it is saved, then the database refuses the UPDATE
    _refused(loaded.save)

    assert _stored(entry) == ("eget ärendebestånd", "view")
    assert AccessLog.objects.get(pk=entry.pk).outside_caseload is False


def test_insert_still_works_with_sql_and_with_the_orm(entry):
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


def test_truncate_is_refused_for_a_session_not_explicitly_allowed(db):
    from django.db import connection, transaction

    # given a connection that has not been allowed (production connections never are)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL samverkan.allow_audit_truncate = 'off'")
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            cursor.execute("TRUNCATE audit_accesslog CASCADE")
