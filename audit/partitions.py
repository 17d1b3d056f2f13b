"""The access log's monthly partitions (audit migration 0005, SPEC §7).

The log is partitioned by month of `occurred_at`, months starting at local midnight (as
`audit.periods` counts the review's days). A DEFAULT partition takes what no month holds, so a
write never fails; the daily task keeps the current month and the next ones made ahead
(`access_log_partitions_add`), and the retention removes whole months once they are older than
the period the log is kept (`access_log_partitions_drop_expired`, at least five years).

Both are SQL functions owned by the owner role (SECURITY DEFINER) that keep their own limits,
so the application role, which owns nothing and may not change the log (ADR 0020), can call
them and nothing more."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

# Months made ahead of the current one by the daily task.
MONTHS_AHEAD = 3
# SPEC §7: the access log is kept at least five years.
MINIMUM_YEARS = 5
DEFAULT_PARTITION = "audit_accesslog_default"


@dataclass(frozen=True)
class ExpiredMonth:
    partition: str
    month: dt.date
    entries: int


def access_log_partitions() -> list[str]:
    """The partitions' names, months in order, the DEFAULT partition last."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'audit_accesslog'::regclass ORDER BY c.relname = %s, c.relname",
            [DEFAULT_PARTITION],
        )
        return [name for (name,) in cursor.fetchall()]


def access_log_partitions_add(*, months_ahead: int = MONTHS_AHEAD) -> int:
    """Make the partitions of the current month and `months_ahead` months after it where
    missing; returns how many were made. Idempotent. Entries of such a month already in the
    DEFAULT partition move into the new one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_accesslog_add_partitions(%s)", [months_ahead])
        return cursor.fetchone()[0]


def _checked_years(years: int) -> int:
    if years < MINIMUM_YEARS:
        raise ValueError(
            _("Åtkomstloggen sparas minst %(minimum)s år (angivet: %(years)s år).")
            % {"minimum": MINIMUM_YEARS, "years": years}
        )
    return years


def access_log_expired(*, years: int) -> list[ExpiredMonth]:
    """The months that ended more than `years` years ago (at least five), with their entries;
    reads only."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partition_name, first_day, entries FROM audit_accesslog_expired_partitions(%s)",
            [_checked_years(years)],
        )
        return [ExpiredMonth(*row) for row in cursor.fetchall()]


def access_log_partitions_drop_expired(*, years: int) -> list[ExpiredMonth]:
    """Drop the months that ended more than `years` years ago (at least five): every entry
    of such a month is older than that. Entries in the DEFAULT partition are kept."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partition_name, first_day, entries FROM audit_accesslog_drop_expired(%s)",
            [_checked_years(years)],
        )
        return [ExpiredMonth(*row) for row in cursor.fetchall()]
