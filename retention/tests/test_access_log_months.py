"""The retention keeps the access log at least five years and then drops its months whole
(SPEC §7, ADR 0016; audit.partitions): the dry run counts them, the apply drops them, records
how many entries went and logs it. A person's purge still never touches the log."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.utils import timezone

from audit.models import AccessLog
from audit.periods import local_midnight
from retention import services
from retention.models import RetentionRun
from samverkan.services import AccessContext

CONTEXT = AccessContext.system("gallring")


def _name(month: dt.date) -> str:
    return f"audit_accesslog_p{month:%Y_%m}"


@pytest.fixture
def old_months(django_db_setup, django_db_blocker, _test_database_roles):
    """The month five years ago and the two before it, each with two entries, committed by the
    owner (only the owner makes a month of its choosing); dropped again at the end, after the
    test's own transaction (so the tests ask for it before `rule`, which opens that)."""
    month = (timezone.localdate() - relativedelta(years=5)).replace(day=1)
    months = [month - relativedelta(months=2), month - relativedelta(months=1), month]
    with django_db_blocker.unblock(), _test_database_roles.owner_connection() as conn:
        with conn.cursor() as cursor:
            for first in months:
                cursor.execute("SELECT audit_accesslog_add_month(%s)", [first])
                for day in (1, 20):
                    cursor.execute(
                        "INSERT INTO audit_accesslog (occurred_at, username, action, "
                        "object_type, object_id, purpose, outside_caseload, path) "
                        "VALUES (%s, 'fk.sdt', 'view', 'person', '1', '', false, '')",
                        [local_midnight(first.replace(day=day))],
                    )
        conn.commit()
    yield months
    with django_db_blocker.unblock(), _test_database_roles.owner_connection() as conn:
        with conn.cursor() as cursor:
            cursor.execute("SET lock_timeout = '10s'")
            for first in months:
                cursor.execute(f'DROP TABLE IF EXISTS "{_name(first)}"')
        conn.commit()


def _partitions() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits "
            "WHERE inhparent = 'audit_accesslog'::regclass"
        )
        return {name for (name,) in cursor.fetchall()}


def test_dry_run_counts_the_log_entries_older_than_five_years_and_keeps_them(old_months, rule):
    plan = services.retention_plan()

    assert plan.counts["audit_accesslog"] == 4
    assert {_name(m) for m in old_months} <= _partitions()


def test_apply_drops_the_months_older_than_five_years_and_logs_it(old_months, rule):
    # when the retention runs
    run = services.retention_apply(context=CONTEXT, trigger=RetentionRun.Trigger.SCHEDULE)

    # then the two months that ended before the day five years ago are gone, the month of that
    # day (partly younger than five years) stays with its entries
    partitions = _partitions()
    assert not {_name(old_months[0]), _name(old_months[1])} & partitions
    assert _name(old_months[2]) in partitions
    assert AccessLog.objects.filter(occurred_at__lt=local_midnight(old_months[2])).count() == 0
    assert (
        AccessLog.objects.filter(
            occurred_at__gte=local_midnight(old_months[2]),
            occurred_at__lt=local_midnight(old_months[2] + relativedelta(months=1)),
        ).count()
        == 2
    )
    run.refresh_from_db()
    assert run.counts["audit_accesslog"] == 4 and not run.failed
    entry = AccessLog.objects.get(object_type="gallring", purpose__startswith="gallring av åtkomst")
    assert entry.object_id == str(run.pk) and entry.person_id is None
    assert f"4 poster från {old_months[0]:%Y-%m} till {old_months[1]:%Y-%m}" in entry.purpose
    assert "(äldre än 5 år)" in entry.purpose


def test_a_deployment_may_keep_the_log_longer(old_months, rule, settings):
    settings.ACCESS_LOG_RETENTION_YEARS = 6

    run = services.retention_apply(context=CONTEXT)

    assert "audit_accesslog" not in run.counts
    assert {_name(m) for m in old_months} <= _partitions()


def test_a_period_shorter_than_five_years_fails_the_run_and_drops_nothing(
    old_months, rule, settings
):
    settings.ACCESS_LOG_RETENTION_YEARS = 4

    with pytest.raises(ValueError, match="minst 5 år"):
        services.retention_apply(context=CONTEXT)

    assert RetentionRun.objects.get().failed
    assert {_name(m) for m in old_months} <= _partitions()
