"""The officer's pages under load: the application served by gunicorn on loopback, the load tool
(benchmarks.load) in a process of its own, each page against a trivial authenticated page in
the same run; the queries of each page counted in process; the share of a page's time that
goes to the access log."""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import StaffProfile
from cases import worklist_state
from cases.models import Case

from .database import ROOT
from .session import logged_in
from .timing import emit

TARGET = 3.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served():
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "samverkan.wsgi:application",
            # the production unit's settings (deploy/gunicorn.conf.py), with the bench's
            # processes and threads and without an access line per request
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--access-logfile",
            "/dev/null",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "10",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ},
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _load(port: int, path: str, cookie: str, concurrency: int, requests: int) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.load",
            "127.0.0.1",
            str(port),
            path,
            cookie,
            str(concurrency),
            str(requests),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def _open_cases():
    return ~Q(phase="closed")


def officer_with(cases: int):
    """The officer whose open cases come nearest `cases`."""
    counted = []
    for field in ("fk_officer", "af_officer"):
        for row in (
            Case.objects.filter(_open_cases(), **{f"{field}__isnull": False})
            .values(field)
            .annotate(n=Count("pk"))
        ):
            counted.append((abs(row["n"] - cases), row["n"], row[field]))
    _d, n, user_id = min(counted)
    return StaffProfile.objects.get(user_id=user_id).user, n


def coordinator_with(cases: int):
    """A coordinator of the area whose open cases come nearest `cases`."""
    rows = Case.objects.filter(_open_cases()).values("area").annotate(n=Count("pk"))
    _d, n, area_id = min((abs(r["n"] - cases), r["n"], r["area"]) for r in rows)
    profile = StaffProfile.objects.filter(role__code="coordinator", areas=area_id).first()
    return profile.user, n


def _case_of(user) -> Case:
    """The officer's open case with the most status entries: the heaviest case page."""
    return (
        Case.objects.filter(_open_cases())
        .filter(Q(fk_officer=user) | Q(af_officer=user))
        .annotate(n=Count("person__status_entries"))
        .order_by("-n", "pk")
        .first()
    )


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured.captured_queries)


def _log_share(client, path: str, repeats: int = 15) -> tuple[float, float]:
    """(page ms, of which access-log writing ms): medians over `repeats` loads in process."""
    pages, logs = [], []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if "audit_accesslog" in sql:
                spent[0] += (time.perf_counter() - start) * 1000

    for _ in range(repeats):
        spent = [0.0]
        with connection.execute_wrapper(timed):
            start = time.perf_counter()
            client.get(path)
            pages.append((time.perf_counter() - start) * 1000)
        logs.append(spent[0])
    return statistics.median(pages), statistics.median(logs)


def pages(requests: int) -> list[dict]:
    # The day's worklist summaries, as the nightly pass (cases.tasks.worklist_summaries_refresh)
    # has written them on any working day: a dataset made on an earlier day has only that day's.
    nightly = worklist_state.refresh_all(repair=False)
    print(f"arbetslistans sammanfattningar för i dag: {nightly['written']} skrivna", flush=True)
    officer, officer_cases = officer_with(60)
    coordinator, area_cases = coordinator_with(300)
    case = _case_of(officer)
    officer_client = logged_in(officer)
    coordinator_client = logged_in(coordinator)
    trivial = reverse("accounts:password_change")
    measured = [
        (f"arbetslistan, handläggare med {officer_cases} ärenden", officer_client, reverse("home")),
        (
            f"arbetslistan, samordnare med {area_cases} ärenden i området",
            coordinator_client,
            reverse("home"),
        ),
        ("ärendesidan", officer_client, reverse("cases:case_detail", args=[case.pk])),
        ("personöversikten", officer_client, reverse("cases:person_detail", args=[case.person_id])),
    ]
    lines = []
    name = settings.SESSION_COOKIE_NAME
    with served() as port:
        for label, client, path in measured:
            cookie = f"{name}={client.cookies[name].value}"
            queries = _queries(client, path)
            for concurrency in (1, 20):
                per_user = max(5, requests // concurrency)
                base = _load(port, trivial, cookie, concurrency, per_user)
                page = _load(port, path, cookie, concurrency, per_user)
                lines.append(
                    emit(
                        f"{label}, {concurrency} samtidiga",
                        product_ms=page["p95"],
                        floor_ms=base["p95"],
                        target=f"p95 ≤ {TARGET}× en enkel sida",
                        met=page["p95"] is not None and page["p95"] <= TARGET * base["p95"],
                        p50=page["p50"],
                        floor_p50=base["p50"],
                        queries=queries,
                        errors=page["error_count"] + base["error_count"],
                    )
                )
    page_ms, log_ms = _log_share(officer_client, reverse("cases:case_detail", args=[case.pk]))
    lines.append(
        emit(
            "åtkomstloggningens andel av ärendesidans tid (p50)",
            product_ms=log_ms,
            floor_ms=page_ms,
            target="≤ 10 %",
            met=log_ms <= 0.10 * page_ms,
            share_percent=100 * log_ms / page_ms,
        )
    )
    return lines
