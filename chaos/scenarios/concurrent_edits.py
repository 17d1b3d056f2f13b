"""Concurrent edits at scale (SPEC §7, ADR 0006): 1 000 randomised pairs of people saving the
same case, joint mapping, individual plan or work plan at once, moving the same case between
phases, or starting, ending and swapping its interventions and closing it (chaos.concurrency).

The pairs run in a database of their own on the same server, `chaos_concurrency`: created and
migrated by the owner role, used by the application role, dropped at the end. The run's process
uses the test settings, so Celery runs in it and nothing reaches the shared Redis.

A control run follows with a deliberate fault (the row locks taken away): the same checks must
then find lost updates and illegal phase paths, or the pairs were not racing at all."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys

from samverkan import devstack

NAME = "Samtidiga ändringar"
DATABASE = "chaos_concurrency"
PAIRS = 1000
EDITS = ("ärende", "kartläggning", "individuell plan", "arbetsplan")
# The control run (chaos.concurrency --without-row-locks): these kinds rely on the row lock
# alone; the individual plan's saves are serialised by the case's lock, which stays.
CONTROL_PAIRS = 100
UNLOCKED = ("ärende", "kartläggning", "arbetsplan")


def _urls() -> tuple[str, str]:
    from benchmarks.database import with_database

    return (
        with_database(os.environ["DATABASE_URL"], DATABASE),
        with_database(os.environ["DATABASE_OWNER_URL"], DATABASE),
    )


def _owner_command(sql: str) -> None:
    conn = devstack.connect(os.environ["DATABASE_OWNER_URL"])
    conn.autocommit = True  # CREATE and DROP DATABASE run outside a transaction
    with contextlib.closing(conn), conn.cursor() as cur:
        cur.execute(sql)


def _env(url: str, owner_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DATABASE_OWNER_URL": owner_url,
        "DJANGO_SETTINGS_MODULE": "samverkan.settings.test",
    }


def _create() -> tuple[str, str]:
    from audit import dbroles

    app_url, owner_url = _urls()
    owner = dbroles.ident(devstack.role_of(os.environ["DATABASE_OWNER_URL"]))
    _owner_command(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    _owner_command(f"CREATE DATABASE {DATABASE} OWNER {owner}")
    subprocess.run(  # noqa: S603  (this interpreter, manage.py, fixed arguments)
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=devstack.ROOT,
        env=_env(owner_url, owner_url),
        check=True,
    )
    devstack.grant(owner_url, app_url)
    return app_url, owner_url


def _lines(found: dict) -> list[dict]:
    lines = []
    for name, kind in found["kinds"].items():
        outcomes = kind["outcomes"]
        told = ", ".join(f"{count} {what}" for what, count in sorted(outcomes.items()))
        faults = kind["faults"]
        ok = kind["lost"] == 0 and faults == 0
        if name in EDITS:
            # both read the same version: one saves, the other is told of the conflict
            ok = ok and outcomes == {"sparad": kind["pairs"], "konflikt": kind["pairs"]}
            what = f"{kind['pairs']} par sparar samma {name} samtidigt"
            result = f"{told}; {kind['lost']} förlorade ändringar, {faults} fel"
        else:
            what = f"{kind['pairs']} par: {name} i samma ärende samtidigt"
            result = f"{told}; {faults} otillåtna tillstånd eller fel"
        if not kind["pairs"]:
            result, ok = "inget par av det slaget i körningen", False
        if kind["examples"]:
            result += " (" + " | ".join(kind["examples"][:2]) + ")"
        lines.append({"line": what, "result": result, "ok": ok})
    pairs = sum(kind["pairs"] for kind in found["kinds"].values())
    lines.append(
        {
            "line": f"{pairs} par totalt, två anslutningar, barriär före skrivningen",
            "result": f"{found['seconds']} s för paren",
            "ok": pairs > 0,
        }
    )
    return lines


def _pairs(app_url: str, owner_url: str, *arguments: str) -> dict | None:
    # The run's own interpreter and module, with fixed arguments.
    process = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "chaos.concurrency", *arguments],
        cwd=devstack.ROOT,
        env=_env(app_url, owner_url),
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    found = [
        json.loads(line.removeprefix("CONCURRENCY "))
        for line in process.stdout.splitlines()
        if line.startswith("CONCURRENCY ")
    ]
    return found[0] if found and not process.returncode else None


def _control(found: dict | None) -> dict:
    """The control run's line: without the row locks the same checks must find the faults."""
    line = f"kontroll: {CONTROL_PAIRS} par med ett avsiktligt fel, radlåset borttaget"
    if found is None:
        return {"line": line, "result": "kontrollkörningen avbröts", "ok": False}
    kinds = found["kinds"]
    lost = {name: kinds[name]["lost"] for name in UNLOCKED}
    paths = kinds["fasbyten"]["faults"]
    result = (
        ", ".join(
            f"{count} förlorade i {kinds[name]['pairs']} par {name}" for name, count in lost.items()
        )
        + f"; {paths} otillåtna tillstånd i {kinds['fasbyten']['pairs']} par fasbyten"
    )
    return {"line": line, "result": result, "ok": all(lost.values()) and paths > 0}


def run(args) -> list[dict]:
    pairs = getattr(args, "pairs", None) or PAIRS
    seed = str(getattr(args, "seed", 1))
    app_url, owner_url = _create()
    try:
        found = _pairs(app_url, owner_url, "--pairs", str(pairs), "--seed", seed)
        control = _pairs(
            app_url, owner_url, "--pairs", str(CONTROL_PAIRS), "--seed", seed,
            "--label", "kontroll", "--without-row-locks",
        )  # fmt: skip
    finally:
        _owner_command(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    if found is None:
        return [{"line": NAME, "result": "körningen avbröts", "ok": False}]
    return [*_lines(found), _control(control)]
