"""Liveness and readiness for a load balancer or an orchestrator (SPEC §7 "Operations").

- `/healthz`: the process answers. Nothing else is touched (no database, no Redis), so a
  database outage does not get every web process restarted.
- `/readyz`: the database answers, Redis (the Celery broker) answers, every migration on disk is
  applied, and the checks the apps above register hold: no area × month lacks its snapshot
  (reporting.completeness), a worker answers (operations.heartbeat). 200 when all hold,
  503 otherwise; the body names each check with "ok" or "failing" and nothing more: no version,
  host, error text or count, since anyone who can reach the address may ask. Why a check fails
  goes to the log.

A probe comes from the load balancer over plain HTTP to the backend's own address, without a
session. `ProbeMiddleware`, first in the chain (settings.production), answers it before the HTTPS
redirect, the ALLOWED_HOSTS check (CommonMiddleware reads the Host header), sessions, the login
and second-factor requirements and the access log: none of them concerns a probe, and each
would turn it into a redirect or a 400. Elsewhere the same views are reached through the URLs
(samverkan.urls) like any page open to anonymous visitors.

Anyone may ask, so while all is well the checks run at most once per KEEP_SECONDS in each
process and probes in between get the kept answer. That bounds what a flood of requests costs
the database without ever refusing the load balancer's own probe, as a rate limit could."""

from __future__ import annotations

import functools
import logging
import time

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import JsonResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

KEEP_SECONDS = 2.0
_kept: dict = {"at": None, "checks": None}


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _redis() -> bool:
    from samverkan.celery import app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=1)
        return bool(broker.default_channel.client.ping())


@functools.cache
def _migrations_on_disk() -> frozenset:
    """The newest migration of every app, as shipped with this process's code."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())


def _migrations() -> bool:
    return _migrations_on_disk() <= set(MigrationRecorder(connection).applied_migrations())


CHECKS = {
    "database": _database,
    "redis": _redis,
    "migrations": _migrations,
}
NEEDS_DATABASE = {"migrations"}


def readiness_check_add(name: str, check, *, needs_database: bool = True) -> None:
    """A check of a layer above (ADR 0014 "Registration, not imports"): the follow-up registers
    "months", no area × month without its snapshot (reporting.apps)."""
    CHECKS[name] = check
    if needs_database:
        NEEDS_DATABASE.add(name)


def readiness() -> dict[str, bool]:
    """Each check's name and whether it holds."""
    now = time.monotonic()
    if _kept["at"] is not None and now - _kept["at"] < KEEP_SECONDS:
        return _kept["checks"]
    checks = {}
    for name, check in CHECKS.items():
        if name in NEEDS_DATABASE and not checks["database"]:
            checks[name] = False
            continue
        try:
            checks[name] = bool(check())
        except Exception as error:  # noqa: BLE001 - a failing dependency is an answer, not a 500
            logger.warning("readiness check %s failing: %s", name, error)
            checks[name] = False
    # Only a ready answer is kept: while something fails, each probe looks again, so the
    # load balancer sees a recovery at once (a failing check fails fast).
    if all(checks.values()):
        _kept.update(at=now, checks=checks)
    return checks


def _answer(body: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    # Not logged again by django.request as a server error at every probe: the failing
    # check is logged once per probe above, with its reason.
    response._has_been_logged = True
    return response


@login_not_required
@require_safe
def healthz(request):
    return _answer({"status": "ok"})


@login_not_required
@require_safe
def readyz(request):
    checks = readiness()
    ready = all(checks.values())
    return _answer(
        {
            "status": "ready" if ready else "not ready",
            "checks": {name: "ok" if ok else "failing" for name, ok in checks.items()},
        },
        status=200 if ready else 503,
    )


PROBES = {"/healthz": healthz, "/readyz": readyz}


class ProbeMiddleware:
    """Answers /healthz and /readyz before any other middleware (module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        return probe(request)
