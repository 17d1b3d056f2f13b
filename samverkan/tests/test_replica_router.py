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
