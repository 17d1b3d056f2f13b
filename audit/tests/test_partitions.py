"""The access log partitioned by month (audit migration 0005, audit.partitions; SPEC §7).

The table is partitioned by range of `occurred_at`; every partition refuses UPDATE, DELETE and
TRUNCATE like the table (triggers, for every role) and gives the application role only SELECT
and INSERT (privileges, ADR 0020); a DEFAULT partition takes what no month holds; months are made
ahead by a function the application role may call; months older than the period the log is kept
(at least five years) are dropped whole."""

from __future__ import annotations

import datetime as dt

import psycopg2
import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from audit import dbroles
from audit.models import AccessLog
from audit.partitions import (
    DEFAULT_PARTITION,
    access_log_expired,
    access_log_partitions,
    access_log_partitions_add,
    access_log_partitions_drop_expired,
)
from audit.periods import local_midnight

INSUFFICIENT_PRIVILEGE = "42501"
INSERT = """
INSERT INTO audit_accesslog
    (occurred_at, username, action, object_type, object_id, purpose, outside_caseload, path)
VALUES (%s, 'fk.sdt', 'view', 'person', '1', 'eget ärendebestånd', false, '')
RETURNING id
"""


def _this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def _name(month: dt.date) -> str:
    return f"audit_accesslog_p{month:%Y_%m}"


def _partition_of(cursor, entry_id: int) -> str:
    cursor.execute("SELECT tableoid::regclass::text FROM audit_accesslog WHERE id = %s", [entry_id])
    return cursor.fetchone()[0]


def _partitions(cursor) -> list[str]:
    cursor.execute(
        "SELECT inhrelid::regclass::text FROM pg_inherits "
        "WHERE inhparent = 'audit_accesslog'::regclass ORDER BY 1"
    )
    return [name for (name,) in cursor.fetchall()]


def _acl(cursor, table: str) -> set[tuple[str, str]]:
    cursor.execute(
        "SELECT a.grantee::regrole::text, a.privilege_type "
        "FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = %s::regclass",
        [table],
    )
    return set(cursor.fetchall())


# --- the table ----------------------------------------------------------------------------------


def test_the_log_is_partitioned_by_range_of_occurred_at(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.partstrat, a.attname FROM pg_partitioned_table p "
            "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE p.partrelid = 'audit_accesslog'::regclass"
        )
        assert cursor.fetchone() == ("r", "occurred_at")


def test_the_primary_key_is_id_and_time_in_the_database_and_id_for_django(db):
    with connection.cursor() as cursor:
        columns = connection.introspection.get_primary_key_columns(cursor, "audit_accesslog")

    assert columns == ["id", "occurred_at"]
    assert AccessLog._meta.pk.name == "id"
    # ids still come from one sequence: two entries of different months never share one
    first = AccessLog.objects.create(action="view", occurred_at=timezone.now())
    second = AccessLog.objects.create(
        action="view", occurred_at=dt.datetime(2040, 1, 1, tzinfo=dt.UTC)
    )
    assert second.pk == first.pk + 1
    assert AccessLog.objects.get(pk=second.pk).occurred_at.year == 2040


def test_the_current_month_and_three_ahead_exist(db):
    names = access_log_partitions()

    months = [_this_month() + relativedelta(months=n) for n in range(4)]
    assert {_name(month) for month in months} <= set(names)
    assert names[-1] == DEFAULT_PARTITION


def test_an_entry_of_a_month_without_partition_goes_to_the_default_partition(db):
    entry = AccessLog.objects.create(
        action="view", occurred_at=dt.datetime(2040, 6, 1, 12, tzinfo=dt.UTC)
    )

    with connection.cursor() as cursor:
        assert _partition_of(cursor, entry.pk) == DEFAULT_PARTITION


# --- made ahead, by the application role ---------------------------------------------------------


def test_months_ahead_are_made_once_with_the_logs_privileges_and_triggers(db):
    made = access_log_partitions_add(months_ahead=6)

    assert made == 3  # the migration made this month and three ahead
    assert access_log_partitions_add(months_ahead=6) == 0
    new = _name(_this_month() + relativedelta(months=6))
    with connection.cursor() as cursor:
        assert _acl(cursor, new) == _acl(cursor, "audit_accesslog")
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal "
            "ORDER BY 1",
            [new],
        )
        assert [name for (name,) in cursor.fetchall()] == [
            "audit_accesslog_append_only",
            "audit_accesslog_no_truncate",
        ]


def test_a_new_month_takes_its_entries_from_the_default_partition(db):
    # given an entry written before its month's partition was made (its foreign keys checked
    # now: a table with checks still pending cannot be dropped, and the task that makes the
    # months runs in a transaction of its own, with none)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    month = _this_month() + relativedelta(months=5)
    entry = AccessLog.objects.create(
        action="view", purpose="väntar", occurred_at=local_midnight(month.replace(day=15))
    )
    with connection.cursor() as cursor:
        assert _partition_of(cursor, entry.pk) == DEFAULT_PARTITION

    # when the month is made
    access_log_partitions_add(months_ahead=6)

    # then the entry is in it, unchanged, and nowhere else
    with connection.cursor() as cursor:
        assert _partition_of(cursor, entry.pk) == _name(month)
        cursor.execute(f"SELECT count(*) FROM {DEFAULT_PARTITION} WHERE id = %s", [entry.pk])
        assert cursor.fetchone()[0] == 0
    assert AccessLog.objects.get(pk=entry.pk).purpose == "väntar"


def test_every_partition_made_has_the_samples_index(db):
    # given an entry waiting in the DEFAULT partition for its month
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    month = _this_month() + relativedelta(months=5)
    AccessLog.objects.create(action="view", occurred_at=local_midnight(month.replace(day=15)))

    # when the daily task makes the months ahead (and the DEFAULT partition again)
    access_log_partitions_add(months_ahead=6)

    # then every partition has its part of the log review's sample index (audit migration
    # 0008), and so the partitioned table's index is valid
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT x.indrelid::regclass::text FROM pg_inherits i "
            "JOIN pg_index x ON x.indexrelid = i.inhrelid "
            "WHERE i.inhparent = 'accesslog_area_draw'::regclass AND x.indisvalid"
        )
        indexed = {name for (name,) in cursor.fetchall()}
        cursor.execute(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'accesslog_area_draw'::regclass"
        )
        valid = cursor.fetchone()[0]
        assert indexed == set(_partitions(cursor))
    assert {_name(month), DEFAULT_PARTITION} <= indexed
    assert valid


@pytest.mark.parametrize("months", [-1, 25])
def test_months_ahead_out_of_range_are_refused(db, months):
    with pytest.raises(DatabaseError, match="months ahead must be 0 to 24"), transaction.atomic():
        access_log_partitions_add(months_ahead=months)


def test_the_application_role_may_not_make_a_month_of_its_choosing(db):
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT audit_accesslog_add_month('2019-01-01')")

    assert excinfo.value.__cause__.pgcode == INSUFFICIENT_PRIVILEGE


# --- append-only on every partition ---------------------------------------------------------------


def _refused_by_trigger(cursor, sql, params=None) -> str:
    cursor.execute("SAVEPOINT attempt")
    with pytest.raises(psycopg2.Error) as excinfo:
        cursor.execute(sql, params)
    cursor.execute("ROLLBACK TO SAVEPOINT attempt")
    assert "append-only" in str(excinfo.value)
    return str(excinfo.value)


def test_every_partition_refuses_update_delete_and_truncate_even_for_the_owner(owner_cursor):
    owner_cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for partition in _partitions(owner_cursor):
        # given an entry in the partition
        if partition == DEFAULT_PARTITION:
            when = dt.datetime(2040, 1, 1, tzinfo=dt.UTC)
        else:
            year, month = map(int, partition.removeprefix("audit_accesslog_p").split("_"))
            when = local_midnight(dt.date(year, month, 2))
        owner_cursor.execute(INSERT, [when])
        entry_id = owner_cursor.fetchone()[0]
        assert _partition_of(owner_cursor, entry_id) == partition

        # then the partition itself refuses to change or lose it
        _refused_by_trigger(
            owner_cursor, f"UPDATE {partition} SET purpose = 'x' WHERE id = %s", [entry_id]
        )
        _refused_by_trigger(owner_cursor, f"DELETE FROM {partition} WHERE id = %s", [entry_id])
        _refused_by_trigger(owner_cursor, f"TRUNCATE {partition}")
        # and so does the table, moving the entry to another month included
        _refused_by_trigger(
            owner_cursor,
            "UPDATE audit_accesslog SET occurred_at = occurred_at - interval '40 days' "
            "WHERE id = %s",
            [entry_id],
        )
        owner_cursor.execute("SELECT purpose FROM audit_accesslog WHERE id = %s", [entry_id])
        assert owner_cursor.fetchone() == ("eget ärendebestånd",)


def test_the_application_role_has_only_select_and_insert_on_every_partition(db, app_role):
    with connection.cursor() as cursor:
        partitions = _partitions(cursor)
        assert len(partitions) >= 5
        for partition in partitions:
            privileges = {p for role, p in _acl(cursor, partition) if role == app_role}
            assert privileges == {"SELECT", "INSERT"}
            for statement in (
                f"UPDATE {partition} SET purpose = 'x'",
                f"DELETE FROM {partition}",
                f"TRUNCATE {partition}",
                f"ALTER TABLE {partition} DISABLE TRIGGER audit_accesslog_append_only",
                f"DROP TABLE {partition}",
            ):
                with pytest.raises(DatabaseError) as excinfo, transaction.atomic():
                    cursor.execute(statement)
                cause = excinfo.value.__cause__
                assert cause.pgcode == INSUFFICIENT_PRIVILEGE, (statement, cause)
                assert "append-only" not in str(cause)


def test_a_right_given_on_one_partition_is_found_and_taken_back(owner_cursor, app_role):
    # given UPDATE granted on one month only (the table itself still refuses it)
    partition = _name(_this_month())
    owner_cursor.execute(f"GRANT UPDATE ON {partition} TO {dbroles.ident(app_role)}")

    # then the check of what the role could do to the log sees it
    assert dbroles.log_powers(owner_cursor, app_role) == ["UPDATE"]

    # and the grant after a migrate takes it back
    dbroles.grant_app_role(owner_cursor, app_role)
    assert dbroles.log_powers(owner_cursor, app_role) == []


# --- months older than the period the log is kept ------------------------------------------------


def _five_years_ago() -> dt.date:
    return timezone.localdate() - relativedelta(years=5)


def test_months_that_ended_more_than_five_years_ago_are_dropped_whole(owner_cursor):
    # given the month five years ago (partly younger than five years) and the two before it
    owner_cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    month = _five_years_ago().replace(day=1)
    months = [month - relativedelta(months=2), month - relativedelta(months=1), month]
    for first in months:
        owner_cursor.execute("SELECT audit_accesslog_add_month(%s)", [first])
        owner_cursor.execute(INSERT, [local_midnight(first)])
        owner_cursor.execute(
            INSERT, [local_midnight(first + relativedelta(months=1)) - dt.timedelta(microseconds=1)]
        )

    # when the months older than five years are dropped
    owner_cursor.execute("SELECT * FROM audit_accesslog_drop_expired(5)")
    dropped = owner_cursor.fetchall()

    # then the two that ended before it went, with their entries, and the month of it stays
    assert dropped == [(_name(months[0]), months[0], 2), (_name(months[1]), months[1], 2)]
    remaining = _partitions(owner_cursor)
    assert _name(months[2]) in remaining and _name(months[1]) not in remaining
    owner_cursor.execute(
        "SELECT count(*) FROM audit_accesslog WHERE occurred_at < %s",
        [local_midnight(month + relativedelta(months=1))],
    )
    assert owner_cursor.fetchone()[0] == 2


def test_fewer_than_five_years_are_refused_by_the_database(owner_cursor):
    owner_cursor.execute("SAVEPOINT attempt")
    with pytest.raises(psycopg2.Error, match="kept at least five years"):
        owner_cursor.execute("SELECT * FROM audit_accesslog_drop_expired(4)")
    owner_cursor.execute("ROLLBACK TO SAVEPOINT attempt")


def test_fewer_than_five_years_are_refused_with_a_swedish_message(db):
    with pytest.raises(ValueError, match="Åtkomstloggen sparas minst 5 år"):
        access_log_partitions_drop_expired(years=4)


def test_the_application_role_may_list_and_drop_expired_months(db):
    # nothing in the test database is five years old: the calls are allowed and find nothing
    assert access_log_expired(years=5) == []
    assert access_log_partitions_drop_expired(years=5) == []
