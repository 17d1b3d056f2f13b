"""A database of its own for each dataset size, on the same server as the application's (the
embedded one under `make bench`, or DATABASE_URL's): created, migrated and generated once, then
reused by every later `make bench` of that size (drop it with `make bench-clean`)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

from samverkan import devstack

ROOT = devstack.ROOT


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def name_for(participants: int, areas: int, log_rows: int | None) -> str:
    return f"samverkan_bench_{participants}_{areas}_{log_rows if log_rows is not None else 'std'}"


def bench_urls(name: str) -> tuple[str, str]:
    """(application role URL, owner URL) of the bench database `name`."""
    return (
        with_database(os.environ["DATABASE_URL"], name),
        with_database(os.environ["DATABASE_OWNER_URL"], name),
    )


def _exists(name: str) -> bool:
    with contextlib.closing(devstack.connect(os.environ["DATABASE_OWNER_URL"])) as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cur.fetchone() is not None


def _count_cases(owner_url: str) -> int:
    with contextlib.closing(devstack.connect(owner_url)) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM cases_case")
        return cur.fetchone()[0]


def _env(app_url: str, owner_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": app_url,
        "DATABASE_OWNER_URL": owner_url,
        "DJANGO_SETTINGS_MODULE": "samverkan.settings.local",
    }


def ensure(*, participants: int, areas: int, log_rows: int | None, seed: int) -> str:
    """The bench database of this size, generated; returns its name."""
    from audit import dbroles

    name = name_for(participants, areas, log_rows)
    app_url, owner_url = bench_urls(name)
    if not _exists(name):
        print(f"[bench] skapar databasen {name} …", file=sys.stderr, flush=True)
        owner = devstack.role_of(os.environ["DATABASE_OWNER_URL"])
        conn = devstack.connect(os.environ["DATABASE_OWNER_URL"])
        conn.autocommit = True
        with contextlib.closing(conn), conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE {dbroles.ident(name)} OWNER {dbroles.ident(owner)}")
    env = _env(owner_url, owner_url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    devstack.grant(owner_url, app_url)
    if _count_cases(owner_url) == 0:
        _log_months(owner_url)
        print(f"[bench] genererar {participants} deltagare i {name} …", file=sys.stderr, flush=True)
        command = [
            sys.executable,
            "manage.py",
            "generate_dataset",
            "--participants",
            str(participants),
            "--areas",
            str(areas),
            "--seed",
            str(seed),
        ]
        if log_rows is not None:
            command += ["--log-rows", str(log_rows)]
        subprocess.run(command, cwd=ROOT, env=_env(app_url, owner_url), check=True)
        devstack.grant(owner_url, app_url)
    return name


def _log_months(owner_url: str) -> None:
    """The access log's monthly partitions for the years the dataset covers, made before it is
    written so each entry goes straight into its month (audit migration 0005)."""
    with contextlib.closing(devstack.connect(owner_url)) as conn, conn, conn.cursor() as cur:
        cur.execute(
            "SELECT audit_accesslog_add_month(d::date) FROM generate_series("
            "date_trunc('month', now() - interval '11 years'), "
            "date_trunc('month', now() + interval '3 months'), interval '1 month') AS d"
        )


def drop_all() -> list[str]:
    """Drop every bench database (make bench-clean)."""
    from audit import dbroles

    conn = devstack.connect(os.environ["DATABASE_OWNER_URL"])
    conn.autocommit = True
    with contextlib.closing(conn), conn.cursor() as cur:
        cur.execute("SELECT datname FROM pg_database WHERE datname LIKE 'samverkan_bench_%%'")
        names = [row[0] for row in cur.fetchall()]
        for name in names:
            cur.execute(f"DROP DATABASE {dbroles.ident(name)} WITH (FORCE)")
    return names
