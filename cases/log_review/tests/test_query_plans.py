"""Every query the log review runs on the access log is served by an index and, for a month,
reads that month's partition only (SPEC §7; audit.periods, audit migration 0005).

A plan depends on the table's size and statistics, so the log gets 20 000 entries over four
months and 40 areas (a month of one area is then about 1/160 of the table, as a month of one of
the country's 60-odd areas is of a year's log), ANALYZEd. The application role may neither write
many entries inside the test's transaction and ANALYZE them nor remove entries afterwards, so the
owner writes them, committed, for this module, and empties the log again at the end (the session
option that lets a TRUNCATE through is the one the suite uses between transactional tests).

The plans are read with EXPLAIN (FORMAT JSON) of the exact SQL the code ran (captured), as the
application role, with the planner's defaults (sequential scans allowed)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Agency, Area, Role, StaffProfile
from audit import selectors
from audit.periods import month_bounds
from cases.log_review import selectors as review

MONTHS = [dt.date(2026, month, 1) for month in (1, 2, 3, 4)]
MARCH = dt.date(2026, 3, 1)
AREAS = 40
ENTRIES = 20_000

FILL = """
INSERT INTO audit_accesslog (occurred_at, user_id, username, action, object_type, object_id,
                             person_id, area_id, purpose, outside_caseload, path)
SELECT timestamptz '2026-01-01 00:00 Europe/Stockholm' + g * interval '517.5 seconds',
       u.id, u.username,
       (ARRAY['view', 'view', 'view', 'update', 'create', 'break_glass', 'export'])[1 + g %% 7],
       CASE WHEN g %% 11 = 0 THEN 'consent' ELSE 'person' END,
       (1 + g %% 2000)::text, 1 + g %% 2000, u.area_id,
       'eget ärendebestånd', g %% 13 = 0, ''
FROM generate_series(1, %(entries)s) AS g
JOIN plan_staff u ON u.n = g %% %(areas)s
"""


@pytest.fixture(scope="module")
def filled_log(django_db_setup, django_db_blocker, _test_database_roles):
    """{"areas": [ids], "users": [ids]}: the committed areas, users and 20 000 log entries."""
    roles = _test_database_roles
    with django_db_blocker.unblock(), roles.owner_connection(allow_truncate=True) as conn:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT array_agg(relname) FROM pg_class WHERE relname LIKE 'audit_accesslog_p%'"
            )
            partitions_before = set(cursor.fetchone()[0] or [])
            for month in MONTHS:
                cursor.execute("SELECT audit_accesslog_add_month(%s)", [month])
            cursor.execute(
                "INSERT INTO accounts_area (code, name, is_active, created_at, updated_at) "
                "SELECT 'plan' || n, 'Planområde ' || n, true, now(), now() "
                "FROM generate_series(0, %s) n RETURNING id",
                [AREAS - 1],
            )
            areas = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, "
                "email, is_staff, is_active, date_joined) "
                "SELECT '!', false, 'plan.' || n, 'Plan', 'Användare ' || n, '', false, true, "
                "now() FROM generate_series(0, %s) n RETURNING id",
                [AREAS - 1],
            )
            users = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "CREATE TEMP TABLE plan_staff AS SELECT n - 1 AS n, u, a AS area_id, "
                "u AS id, 'plan.' || (n - 1) AS username "
                "FROM unnest(%s::int[], %s::bigint[]) WITH ORDINALITY AS t(u, a, n)",
                [users, areas],
            )
            cursor.execute(FILL, {"entries": ENTRIES, "areas": AREAS})
            cursor.execute("ANALYZE audit_accesslog")
        conn.commit()
    yield {"areas": areas, "users": users}
    with django_db_blocker.unblock(), roles.owner_connection(allow_truncate=True) as conn:
        with conn.cursor() as cursor:
            cursor.execute("TRUNCATE audit_accesslog")
            cursor.execute("DELETE FROM auth_user WHERE id = ANY(%s)", [users])
            cursor.execute("DELETE FROM accounts_area WHERE id = ANY(%s)", [areas])
            for month in MONTHS:
                name = f"audit_accesslog_p{month:%Y_%m}"
                if name not in partitions_before:
                    cursor.execute(f'DROP TABLE "{name}"')
        conn.commit()


def _log_scans(sql: str) -> list[tuple[str, str]]:
    """(node type, table) of every scan of the log or one of its partitions in `sql`'s plan."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    scans = []

    def walk(node):
        if node.get("Relation Name", "").startswith("audit_accesslog"):
            scans.append((node["Node Type"], node["Relation Name"]))
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return scans


def _log_reads(run) -> list[str]:
    """The SELECTs on the access log that `run()` makes."""
    with CaptureQueriesContext(connection) as captured:
        run()
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and '"audit_accesslog"' in q["sql"]
    ]


def _assert_month_by_index(reads):
    """Each read scans only March's partition, and by an index."""
    assert reads
    partition = f"audit_accesslog_p{MARCH:%Y_%m}"
    for sql in reads:
        scans = _log_scans(sql)
        assert scans, sql
        assert {table for _, table in scans} == {partition}, (scans, sql)
        assert all(
            kind in {"Index Scan", "Index Only Scan", "Bitmap Heap Scan"} for kind, _ in scans
        ), (
            scans,
            sql,
        )


def _period():
    return month_bounds(MARCH)


def test_persons_opened_by_reads_the_month_by_index(filled_log, db):
    start, end = _period()
    area, user = filled_log["areas"][3], filled_log["users"][3]

    reads = _log_reads(
        lambda: list(
            selectors.persons_opened_by(area_ids=[area], staff_user_id=user, start=start, end=end)
        )
    )

    _assert_month_by_index(reads)


def test_log_sample_reads_the_month_by_index(filled_log, db):
    start, end = _period()
    area = filled_log["areas"][3]

    reads = _log_reads(
        lambda: list(selectors.log_sample(area_ids=[area], seed="s", size=10, start=start, end=end))
    )

    _assert_month_by_index(reads)


def _draw_index_scans(sql: str) -> list[dict]:
    """The scans in `sql`'s executed plan (EXPLAIN ANALYZE) that read the sample's index
    (area, key): its part on one of the partitions, whatever the part is named."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits "
            "WHERE inhparent = 'accesslog_area_draw'::regclass"
        )
        parts = {name for (name,) in cursor.fetchall()}
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    scans = []

    def walk(node):
        if node.get("Index Name") in parts:
            scans.append(node)
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return scans


def test_log_sample_reads_a_handful_of_entries_of_the_key_index(filled_log, db):
    # given an area's March, about 125 entries (20 000 over four months and 40 areas)
    start, end = _period()
    area = filled_log["areas"][3]
    size = 10

    (read,) = _log_reads(
        lambda: list(
            selectors.log_sample(area_ids=[area], seed="s", size=size, start=start, end=end)
        )
    )
    scans = _draw_index_scans(read)

    # then the draw reads March's part of the index (area, key) from the seed's starting point
    # and from the start of the keys' range: `size` entries each (and one more, which shows the
    # next key differs), not the month's entries
    assert scans, read
    assert {scan["Relation Name"] for scan in scans} == {f"audit_accesslog_p{MARCH:%Y_%m}"}
    read_entries = sum(scan["Actual Rows"] * scan["Actual Loops"] for scan in scans)
    assert size <= read_entries <= 2 * (size + 1)


def test_sample_lines_read_the_month_by_index(filled_log, db):
    start, end = _period()
    area = filled_log["areas"][3]

    reads = _log_reads(
        lambda: review.sample_log(area_ids=[area], seed="s", size=10, start=start, end=end)
    )

    assert len(reads) == 2  # the draw, and the lines the drawn entries belong to
    _assert_month_by_index(reads)


def test_unusual_access_reads_the_month_by_index(filled_log, db):
    start, end = _period()
    area = filled_log["areas"][3]

    reads = _log_reads(
        lambda: list(selectors.unusual_access(area_ids=[area], start=start, end=end, threshold=2))
    )

    _assert_month_by_index(reads)


def test_break_glass_summary_reads_the_month_by_index(filled_log, db):
    start, end = _period()
    area = filled_log["areas"][3]

    reads = _log_reads(
        lambda: list(selectors.break_glass_summary(area_ids=[area], start=start, end=end))
    )

    _assert_month_by_index(reads)


def test_consent_events_read_the_month_by_index(filled_log, db):
    start, end = _period()
    area = filled_log["areas"][3]

    reads = _log_reads(lambda: review.consent_events(area_ids=[area], start=start, end=end))

    _assert_month_by_index(reads)


def test_person_log_reads_every_month_by_index(filled_log, db):
    # given a person's log, which has no period: every month is read, each by an index
    area = filled_log["areas"][3]
    person_id = 1 + 3  # entry g has person 1 + g % 2000 and area g % 40

    reads = _log_reads(lambda: review.person_log(area_ids=[area], person_id=person_id))

    assert reads
    for sql in reads:
        scans = _log_scans(sql)
        filled = {f"audit_accesslog_p{month:%Y_%m}" for month in MONTHS}
        assert filled <= {table for _, table in scans}
        assert not [kind for kind, table in scans if table in filled and kind == "Seq Scan"], scans


def test_every_read_of_the_review_page_uses_an_index(filled_log, db, login):
    # given a coordinator of one of the filled areas, looking at March with a staff member chosen
    area = Area.objects.get(pk=filled_log["areas"][3])
    fk = Agency.objects.get(code="FK")
    coordinator_profile = StaffProfile.objects.create(
        user_id=filled_log["users"][0], role=Role.objects.get(code="coordinator"), agency=fk
    )
    coordinator_profile.areas.set([area])
    officer = StaffProfile.objects.create(
        user_id=filled_log["users"][3], role=Role.objects.get(code="fk_officer"), agency=fk
    )
    officer.areas.set([area])
    client = login(coordinator_profile.user)

    # when the page is shown
    def show():
        response = client.get(
            reverse("audit:review"),
            {"month": "2026-03", "staff": officer.user_id, "seed": "s", "size": 10},
        )
        assert response.status_code == 200

    reads = _log_reads(show)

    # then each of its reads of the log takes March's partition by an index
    assert len(reads) >= 6
    _assert_month_by_index(reads)


def test_the_old_day_filter_read_every_partition(filled_log, db):
    # The filter this replaces computed each entry's local date: no index range, no pruning.
    start, end = _period()
    area = filled_log["areas"][3]
    old = selectors.access_log_of_areas(area_ids=[area]).filter(
        occurred_at__date__gte=start, occurred_at__date__lt=end
    )

    (read,) = _log_reads(lambda: list(old))

    assert {table for _, table in _log_scans(read)} > {f"audit_accesslog_p{MARCH:%Y_%m}"}
