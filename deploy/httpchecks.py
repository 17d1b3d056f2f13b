"""The checks of `make prodcheck` once the product runs (deploy/checks.py started it): what a
load balancer, Prometheus and a staff member see through nginx, and what the worker does."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from zoneinfo import ZoneInfo

from . import webcheck
from .checks import METRIC_NAMES, STAFF, TOTP_KEY, Failed, until
from .units import SYSTEM_PATH


def _plain(base: str, path: str, headers: dict | None = None):
    return webcheck.Browser(base).request(path, headers=headers)


def http_checks(m, state, step, service_env, metrics_token) -> None:
    from .prodcheck import run

    a = m.args
    https = webcheck.Browser(state["https"], cafile=state["cert"])

    def ready():
        def is_ready() -> bool:
            try:
                return https.request("/readyz")[0] == 200
            except OSError:  # nginx or gunicorn not answering yet
                return False

        answer = until(is_ready, 180, 2)
        status, _headers, body = https.request("/readyz")
        if not answer:
            raise Failed(f"/readyz {status}: {body.decode()[:200]}")
        return f"/readyz {status} over HTTPS (certificate verified): {json.loads(body)['checks']}"

    def plain_http():
        base = f"http://localhost:{a.http_port}"
        found = {p: _plain(base, p)[0] for p in ("/healthz", "/readyz")}
        status, headers, _ = _plain(base, "/konto/logga-in/")
        location = headers.get("Location", "")
        if found != {"/healthz": 200, "/readyz": 200} or status != 301:
            raise Failed(f"probes {found}, login page {status}")
        if not location.startswith("https://"):
            raise Failed(f"redirected to {location!r}")
        return f"probes over HTTP 200, other pages 301 to {location}"

    def metrics():
        token = {"Authorization": f"Bearer {metrics_token}"}
        outside = https.request("/metrics", headers=token)
        # Straight to gunicorn with the headers nginx sends, as from the monitoring network.
        web = f"http://127.0.0.1:{a.web_port}"
        proxied = {"Host": "localhost", "X-Forwarded-Proto": "https"}
        bare = _plain(web, "/metrics", proxied)[0]
        status, _headers, body = _plain(web, "/metrics", {**proxied, **token})
        missing = [n for n in METRIC_NAMES if n.encode() not in body]
        if outside[0] != 403 or bare != 404 or status != 200 or missing:
            raise Failed(f"nginx {outside[0]}, no token {bare}, token {status}, missing {missing}")
        return (
            "403 through nginx outside the monitoring network; 404 without the token, 200 with: "
            + ", ".join(METRIC_NAMES)
        )

    def monthly():
        today = dt.datetime.now(ZoneInfo("Europe/Stockholm")).date().replace(day=1)
        month = (today - dt.timedelta(days=1)).replace(day=1) - dt.timedelta(days=1)
        label = f"{month:%Y-%m}"
        run(
            [
                str(m.venv / "bin/celery"),
                "-A",
                "samverkan",
                "call",
                "reporting.tasks.monthly_report",
                "--args",
                json.dumps([label]),
            ],
            user=m.SERVICE_USER,
            env=service_env(),
            cwd=m.app,
        )
        sql = (
            "SELECT count(*) FROM reporting_monthlysnapshot "
            f"WHERE month = '{month:%Y-%m-01}' AND task_id <> ''"
        )
        env = {"PATH": SYSTEM_PATH, "PGHOST": "/var/run/postgresql", "PGPORT": str(a.pg_port)}
        count = until(
            lambda: int(
                run(["psql", "-At", "-d", "samverkan", "-c", sql], user="postgres", env=env)
            ),
            120,
        )
        if not count:
            raise Failed(f"no snapshot of {label} after 120 s")
        return (
            f"monthly_report({label}) queued, {count} snapshots (2 areas, the nation) by the worker"
        )

    def logs():
        text = (m.work / "logs/samverkan-web.log").read_text(errors="replace")
        request_lines = [
            line for line in text.splitlines() if '"logger": "samverkan.request"' in line
        ]
        access_lines = [line for line in text.splitlines() if line.startswith(('"GET ', '"POST '))]
        if not request_lines or not access_lines:
            raise Failed("no JSON request line or no gunicorn access line in the web's output")
        if any("?" in line for line in access_lines):
            raise Failed("an access line carries a query string")
        return (
            f"{len(request_lines)} JSON request lines, {len(access_lines)} gunicorn access lines "
            "without query strings on stdout"
        )

    def worker_stop():
        worker = m.processes["samverkan-worker"]
        worker.terminate()
        try:
            code = worker.wait(60)
        except subprocess.TimeoutExpired:
            raise Failed("the worker did not stop within 60 s of SIGTERM") from None
        return f"SIGTERM: warm shutdown, exit status {code}"

    step("readiness", ready, essential=False)
    step("probes and redirect over HTTP", plain_http, essential=False)
    step("/metrics", metrics, essential=False)
    step(
        "login", lambda: webcheck.login(https, STAFF, state["password"], TOTP_KEY), essential=False
    )
    step("monthly job", monthly, essential=False)
    step("export", lambda: webcheck.export_downloaded(https), essential=False)
    step("logs", logs, essential=False)
    step("worker stop", worker_stop, essential=False)
