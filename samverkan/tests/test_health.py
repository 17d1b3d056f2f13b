"""/healthz and /readyz (samverkan.health): open to a load balancer without login, answered
before the HTTPS redirect and the ALLOWED_HOSTS check in production, each readiness check named
with ok or failing and nothing else, 503 when one fails, never a 500, no access-log entry."""

import datetime as dt
import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import override_settings
from django.utils import timezone

from audit.models import AccessLog
from operations import heartbeat
from reporting.models import MonthlySnapshot
from reporting.snapshots import previous_month
from samverkan import health
from samverkan.celery import app

ROOT = Path(__file__).resolve().parents[2]
CHECKS = {"database", "redis", "migrations", "months", "worker", "export_directory"}


@pytest.fixture(autouse=True)
def _fresh_answers(monkeypatch):
    """Every test gets its own checks run, not an answer kept from the one before."""
    monkeypatch.setitem(health._kept, "at", None)


@pytest.fixture(autouse=True)
def _worker_answering(settings, tmp_path):
    """A worker's heartbeat under a prefix of this test's own (operations.heartbeat), so tests
    running at once neither see nor remove each other's."""
    settings.WORKER_HEARTBEAT_PREFIX = f"samverkan:test-worker:{uuid.uuid4().hex}:"
    settings.EXPORT_DIR = tmp_path / "exports"
    heartbeat.beat_once("w1")


@pytest.fixture
def month_complete(area):
    """The month just ended stored for the area and the nation: nothing is missing."""
    month = previous_month(timezone.localdate())
    for area_id in (area.pk, None):
        MonthlySnapshot.objects.create(
            area_id=area_id, month=month, version=1, figures={}, digest="x"
        )


def test_healthz_answers_without_login_and_without_the_database(client):
    # no database fixture: a query would fail this test (pytest-django blocks it)
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers


def test_readyz_is_ready_when_every_check_holds(client, month_complete):
    logged = AccessLog.objects.count()

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {name: "ok" for name in CHECKS},
    }
    assert response["Cache-Control"] == "no-store"
    assert AccessLog.objects.count() == logged
    assert "Set-Cookie" not in response.headers


def test_a_missing_month_makes_readyz_503_and_names_only_the_check(client, area):
    # given no snapshot of the month just ended
    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"] == {
        "database": "ok",
        "redis": "ok",
        "migrations": "ok",
        "months": "failing",
        "worker": "ok",
        "export_directory": "ok",
    }
    # nothing but check names and their state: no months, counts, hosts or versions
    assert set(body) == {"status", "checks"}


def test_a_database_that_does_not_answer_gives_503_not_500(client, month_complete, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused (db.internal)")

    with monkeypatch.context() as patched:  # undone before the test's own rollback
        patched.setattr(connection, "cursor", refuse)
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "failing",
        "redis": "ok",
        "migrations": "failing",
        "months": "failing",
        "worker": "ok",
        "export_directory": "ok",
    }
    assert b"db.internal" not in response.content


def test_redis_that_does_not_answer_gives_503(client, month_complete, monkeypatch):
    # a port nothing listens on
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:9/0")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "failing"
    assert response.json()["checks"]["database"] == "ok"


def test_no_worker_answering_gives_503(client, month_complete, settings):
    # given no worker's heartbeat within the last minute
    settings.WORKER_HEARTBEAT_PREFIX = f"samverkan:test-worker:{uuid.uuid4().hex}:"

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "failing"
    assert response.json()["checks"]["redis"] == "ok"


def test_a_worker_whose_export_directory_is_not_here_gives_503(client, month_complete, settings):
    # given a worker on another machine: its heartbeat reaches the shared Redis, but the file it
    # writes beside its exports lands in a directory this process does not see
    heartbeat._redis().set(f"{settings.WORKER_HEARTBEAT_PREFIX}elsewhere", "1", ex=60)

    response = client.get("/readyz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert (checks["worker"], checks["export_directory"]) == ("ok", "failing")

    # when it shares the directory after all, the check holds again
    heartbeat.beat_once("elsewhere")
    assert client.get("/readyz").json()["checks"]["export_directory"] == "ok"


def test_a_worker_heartbeat_lives_a_minute(settings):
    heartbeat.beat_once("w2")
    key = f"{settings.WORKER_HEARTBEAT_PREFIX}w2"
    assert 0 < heartbeat._redis().ttl(key) <= heartbeat.TTL_SECONDS


def test_a_migration_not_applied_gives_503(client, month_complete, monkeypatch):
    shipped = health._migrations_on_disk() | {("reporting", "9999_not_yet_applied")}
    monkeypatch.setattr(health, "_migrations_on_disk", lambda: shipped)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "failing"


def test_probes_within_the_keep_time_get_the_kept_answer(
    client, month_complete, django_assert_num_queries
):
    client.get("/readyz")

    with django_assert_num_queries(0):
        assert client.get("/readyz").status_code == 200


def test_probes_take_get_and_head_only(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


PRODUCTION_LIKE = {
    "MIDDLEWARE": ["samverkan.health.ProbeMiddleware", *settings.MIDDLEWARE],
    "SECURE_SSL_REDIRECT": True,
    "ALLOWED_HOSTS": ["samverkan.example.se"],
}


@override_settings(**PRODUCTION_LIKE)
def test_the_probe_middleware_answers_over_http_at_the_backends_own_address(client, month_complete):
    # a load balancer probes 10.0.0.7:8000 over plain HTTP
    for path in ("/healthz", "/readyz"):
        response = client.get(path, HTTP_HOST="10.0.0.7:8000")
        assert response.status_code == 200, path

    # while any page at that address is refused, and over HTTP redirected to HTTPS
    assert client.get("/konto/logga-in/", HTTP_HOST="10.0.0.7:8000").status_code == 400
    page = client.get("/konto/logga-in/", HTTP_HOST="samverkan.example.se")
    assert page.status_code == 301 and page["Location"].startswith("https://")


def test_production_settings_put_the_probe_middleware_first(db):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="samverkan.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        EXPORT_PSEUDONYM_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="samverkan.example.se",
    )
    script = (
        "import django; django.setup(); from django.test import Client; "
        "c = Client(HTTP_HOST='10.0.0.7'); "
        "print(c.get('/healthz').status_code, c.get('/konto/logga-in/').status_code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == ["200", "400"], result.stderr[-2000:]


def test_the_month_check_reads_the_same_rule_as_the_reconciliation(area, month_complete):
    # given an earlier month stored for the area alone: the nation lacks it, and the months
    # between lack both
    MonthlySnapshot.objects.create(
        area=area, month=dt.date(2026, 1, 1), version=1, figures={}, digest="x"
    )
    assert health.readiness()["months"] is False


def test_a_failing_answer_is_not_kept_so_a_recovery_is_seen_at_once(client, area):
    assert client.get("/readyz").status_code == 503
    MonthlySnapshot.objects.create(
        area=area, month=previous_month(timezone.localdate()), version=1, figures={}, digest="x"
    )
    MonthlySnapshot.objects.create(
        area=None, month=previous_month(timezone.localdate()), version=1, figures={}, digest="x"
    )
    assert client.get("/readyz").status_code == 200
