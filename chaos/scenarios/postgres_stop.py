"""PostgreSQL stopped and restarted (SPEC §7: no month missing, no job waiting for ever).

1. The monthly job for nine months (chaos.stack) with PostgreSQL stopped for a minute at a
   random moment early in it, then started again; the worker is left alone. The tasks wait
   out the outage (reporting.tasks.DATABASE_RETRY). Afterwards: nothing missing, nothing
   stored twice, the figures of an undisturbed run.
2. gunicorn with the production settings (two processes, connections kept 60 s and checked
   before reuse) under load from a client on this machine: an API call with a token and
   /readyz, without pause from four threads, while PostgreSQL is restarted. Errors counted
   before, during (from the stop until the server accepts again) and after; after must be 0."""

from __future__ import annotations

import random
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

from chaos import stack

NAME = "PostgreSQL stoppas och startas igen"
DOWN_SECONDS = 60
THREADS = 4


def _job_with_outage(system, rng) -> dict:
    reference = system.undisturbed()
    moment = rng.uniform(2.0, max(3.0, system.reference_seconds / 2))
    timings = {}

    def outage(worker, env):
        time.sleep(moment)
        system.pg.halt()
        time.sleep(DOWN_SECONDS)
        system.pg.resume()
        timings["back"] = time.monotonic()
        return worker

    found, took, wanted = system.job("chaos_pgstop", outage, keep=True)
    missing, duplicated, differ = stack.compare(found, reference, wanted)
    after = time.monotonic() - timings["back"] if took != float("inf") else took
    return {
        "line": f"månadsjobbet ({len(system.months)} månader); PostgreSQL stoppad "
        f"{DOWN_SECONDS} s, {moment:.1f} s in i jobbet, sedan startad; arbetaren orörd",
        "result": f"{missing} saknas, {duplicated} dubbla, {differ} med andra siffror än den "
        f"ostörda körningen; klart {after:.0f} s efter omstarten",
        "ok": missing == duplicated == differ == 0 and took != float("inf"),
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _load(base: str, token: str, stop: threading.Event, answers: list) -> None:
    import requests

    session = requests.Session()
    headers = {"X-Forwarded-Proto": "https"}  # as the TLS proxy in front says
    calls = [
        ("/api/v1/me/", {**headers, "Authorization": f"Token {token}"}),
        ("/readyz", headers),
    ]
    while not stop.is_set():
        for path, sent in calls:
            began = time.monotonic()
            try:
                status = session.get(base + path, headers=sent, timeout=10).status_code
            except requests.RequestException:
                status = 0  # no answer at all
            answers.append((began, time.monotonic(), path, status))


def _wait_answering(url: str, timeout: float = 60) -> None:
    import requests

    began = time.monotonic()
    while time.monotonic() - began < timeout:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn svarade inte")


def _errors(answers) -> tuple[int, str]:
    """Answers other than 200, but /readyz saying 503 while the database is away (that is
    its answer); and what they were."""
    wrong = Counter(
        f"{path} {status or 'inget svar'}"
        for _began, _ended, path, status in answers
        if not (status == 200 or (path == "/readyz" and status == 503))
    )
    return sum(wrong.values()), ", ".join(f"{what} ×{n}" for what, n in wrong.most_common(3))


def _restart_under_load(system) -> dict:
    database = "chaos_pgstop"
    app_url, _owner = system.pg.urls(database)
    # The API's rate per token set out of reach: this is a restart under load, not a test of
    # the limits.
    env = stack.settings_env(
        app_url, system.redis.url, DJANGO_BEHIND_TLS_PROXY="true", API_RATE_PER_TOKEN="100000/m"
    )
    token = (
        stack.manage(
            env,
            "api_token",
            "create",
            "samordnare.nat001",
            "--name",
            "chaos",
            stdout=subprocess.PIPE,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    port = _free_port()
    log = open(stack.REDIS_DIR / "web.log", "ab")  # noqa: SIM115 - the child keeps it
    web = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "gunicorn", "samverkan.wsgi", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=stack.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    base = f"http://127.0.0.1:{port}"
    stop, answers = threading.Event(), []
    threads = [
        threading.Thread(target=_load, args=(base, token, stop, answers)) for _ in range(THREADS)
    ]
    try:
        _wait_answering(base + "/healthz")
        for thread in threads:
            thread.start()
        time.sleep(10)
        stopped = time.monotonic()
        system.pg.halt()
        system.pg.resume()
        ready = time.monotonic()
        time.sleep(20)
    finally:
        stop.set()
        for thread in threads:
            thread.join(15)
        web.terminate()
        web.wait(30)
        system.pg.command(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")

    # Before: answered before the stop began; during: under way at some point between the
    # stop and the server accepting again; after: sent once it accepts, when /readyz too must
    # say ready at once.
    before = [a for a in answers if a[1] < stopped]
    during = [a for a in answers if a[1] >= stopped and a[0] < ready]
    after = [(b, e, "/readyz!" if p == "/readyz" else p, s) for b, e, p, s in answers if b >= ready]
    counted = {name: _errors(part) for name, part in (("före", before), ("under", during))}
    counted["efter"] = _errors(after)
    result = "; ".join(
        f"fel {name}: {n} av {len(part)}" + (f" ({what})" if what else "")
        for (name, (n, what)), part in zip(counted.items(), (before, during, after), strict=True)
    )
    return {
        "line": f"gunicorn (2 processer, produktionsinställningar) under last från {THREADS} "
        f"trådar (API-anrop med nyckel och /readyz); PostgreSQL startas om "
        f"({ready - stopped:.1f} s)",
        "result": result,
        "ok": bool(before) and bool(after) and counted["före"][0] == counted["efter"][0] == 0,
    }


def run(args) -> list[dict]:
    rng = random.Random(getattr(args, "seed", 1))
    system = stack.system()
    return [_job_with_outage(system, rng), _restart_under_load(system)]
