"""Reports may read from a replica (samverkan.dbrouter): reads inside `replica_reads()` go to the
"replica" alias when it is configured, every write and every other read to the primary."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AccessLog
from cases.models import Case
from samverkan import dbrouter

pytestmark = pytest.mark.django_db

ROUTER = dbrouter.ReplicaRouter()


def test_without_a_replica_everything_reads_the_primary():
    with dbrouter.replica_reads():
        assert ROUTER.db_for_read(Case) is None
    assert ROUTER.db_for_write(Case) is None


def test_with_a_replica_only_the_marked_reads_go_there(monkeypatch):
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: True)
    assert ROUTER.db_for_read(Case) is None
    with dbrouter.replica_reads():
        assert ROUTER.db_for_read(Case) == dbrouter.REPLICA
        # writes, the access log's above all, never go to the replica
        assert ROUTER.db_for_write(AccessLog) is None
    assert ROUTER.db_for_read(Case) is None
    assert ROUTER.allow_migrate(dbrouter.REPLICA, "cases") is False
    assert ROUTER.allow_migrate("default", "cases") is True


def test_the_report_api_computes_inside_replica_reads(login, area, monkeypatch):
    from accounts.tests.factories import staff
    from reporting import metrics

    seen = []

    def spy(**kwargs):
        seen.append(dbrouter._replica_reads.get())
        return real(**kwargs)

    real = metrics.outcomes
    monkeypatch.setattr(metrics, "outcomes", spy)
    client = login(staff("analyst", areas=[area], username="analytiker"))
    month = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    response = client.get(
        reverse("api:report-outcomes"), {"from": f"{month:%Y-%m}", "to": f"{month:%Y-%m}"}
    )
    assert response.status_code == 200, response.content[:300]
    assert seen == [True]
    # and the request's own writes (its access-log entry) went to the primary as always
    assert AccessLog.objects.filter(username="analytiker").exists()


@pytest.fixture
def replica_alias(monkeypatch):
    """A "replica" alias (to the test database; no query is sent through it here)."""
    from django.db import connections

    monkeypatch.setitem(
        connections.settings, dbrouter.REPLICA, dict(connections.settings["default"])
    )
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: True)
    yield
    if hasattr(connections._connections, dbrouter.REPLICA):
        connections[dbrouter.REPLICA].close()
        delattr(connections._connections, dbrouter.REPLICA)


def test_hand_written_sql_reads_where_the_orm_would(replica_alias):
    # `django.db.connection` is the primary's whatever the router says: the reports' own SQL
    # asks read_connection instead
    assert dbrouter.read_connection(Case).alias == "default"
    with dbrouter.replica_reads():
        assert dbrouter.read_connection(Case).alias == dbrouter.REPLICA
    assert dbrouter.read_connection(Case).alias == "default"


def test_the_reports_hand_written_sql_goes_through_read_connection(area, monkeypatch):
    import importlib

    from reporting.metrics.outcomes import outcomes_by_area

    grouping = importlib.import_module("reporting.metrics.grouping")
    timeliness = importlib.import_module("reporting.metrics.timeliness")

    asked = []

    def spy(model):
        asked.append(model)
        return dbrouter.read_connection(model)

    monkeypatch.setattr(grouping, "read_connection", spy)
    monkeypatch.setattr(timeliness, "read_connection", spy)
    month = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    outcomes_by_area(months=[month.replace(day=1)], area_ids=[area.pk], nation=True)
    assert asked == [Case]
    timeliness.timeliness(first=month.replace(day=1), last=month, area_ids=[area.pk])
    assert len(asked) >= 2 and set(asked) == {Case}


def test_no_report_or_export_reads_through_the_primary_only_connection():
    # `from django.db import connection` in the metrics would bypass the replica for good
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2] / "reporting" / "metrics"
    offenders = [
        path.name
        for path in root.glob("*.py")
        if "from django.db import connection\n" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
