"""`make bench` (docs/PERFORMANCE.md): for each size in BENCH_SIZES, the generated database of
that size (made once), then every line measured side by side with its floor, and one table.

    python -m benchmarks --sizes 10000 100000 [--areas 60] [--parts reports,pages,workers]

The part "replica" (the report API reading from a second server, benchmarks.replica) runs in a
process of its own with DATABASE_REPLICA_URL set, so that no other line reads from it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys

from . import database, replica

ALL_PARTS = "reports,logreview,export,pages,workers,replica"


def _measure(name: str, args, parts: str, **extra_env: str) -> list[dict]:
    app_url, owner_url = database.bench_urls(name)
    env = {
        **os.environ,
        "DATABASE_URL": app_url,
        "DATABASE_OWNER_URL": owner_url,
        "DJANGO_SETTINGS_MODULE": "samverkan.settings.local",
        # The bench asks far more often than a person: the API's per-user limit would stop it.
        "API_RATE_PER_USER": "1000000/m",
        "MONTHLY_AREAS_PER_TASK": "0",
        # Connections kept between requests, as the production settings do (a new connection per
        # request, the development default, costs every call 4 ms here).
        "DATABASE_CONN_MAX_AGE": "60",
        **extra_env,
    }
    command = [
        sys.executable,
        "-m",
        "benchmarks.measure",
        "--parts",
        parts,
        "--repeats",
        str(args.repeats),
        "--requests",
        str(args.requests),
    ]
    process = subprocess.run(
        command, cwd=database.ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False
    )
    lines = [
        json.loads(line[len("BENCH ") :])
        for line in process.stdout.splitlines()
        if line.startswith("BENCH ")
    ]
    if process.returncode:
        lines.append({"line": "MÄTNINGEN AVBRÖTS", "note": f"slutkod {process.returncode}"})
    return lines


def _fmt(value, unit="") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}".replace(",", " ")
    return f"{value}{unit}"


def _size(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def _same_line(label: str) -> str:
    """A line's name without its counts ("handläggare med 60 ärenden"), to find it at another
    size, where the person measured has another number of cases."""
    return re.sub(r"\d+", "N", label)


def table(results: dict[int, list[dict]]) -> str:
    rows = [
        "| storlek | mätning | produkten | golvet | kvot | mål | uppnått | övrigt |",
        "|---:|---|---:|---:|---:|---|---|---|",
    ]
    skip = {"line", "product_ms", "floor_ms", "ratio", "target", "met"}
    for size, lines in results.items():
        for line in lines:
            extra = ", ".join(f"{k}={v}" for k, v in line.items() if k not in skip)
            met = {True: "ja", False: "**nej**", None: "—"}[line.get("met")]
            rows.append(
                f"| {_size(size)} | {line['line']} | {_fmt(line.get('product_ms'), ' ms')} | "
                f"{_fmt(line.get('floor_ms'), ' ms')} | {_fmt(line.get('ratio'), '×')} | "
                f"{line.get('target', '')} | {met} | {extra} |"
            )
    return "\n".join(rows)


def growth(results: dict[int, list[dict]]) -> str:
    """Each line's time at the largest size over the smallest, against the growth of the data."""
    sizes = sorted(results)
    if len(sizes) < 2:
        return ""
    small, large = sizes[0], sizes[-1]
    by_line = {_same_line(line["line"]): line for line in results[small]}
    rows = [
        f"\nTillväxt {_size(small)} → {_size(large)} deltagare (data ×{large / small:.0f}):",
        "| mätning | tid, liten | tid, stor | tillväxt |",
        "|---|---:|---:|---:|",
    ]
    for line in results[large]:
        before = by_line.get(_same_line(line["line"]))
        if before and before.get("product_ms") and line.get("product_ms"):
            times = f"{_fmt(before['product_ms'], ' ms')} | {_fmt(line['product_ms'], ' ms')}"
            rise = line["product_ms"] / before["product_ms"]
            rows.append(f"| {line['line']} | {times} | ×{rise:.1f} |")
    return "\n".join(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--sizes", nargs="+", type=int, default=[10000])
    parser.add_argument("--areas", type=int, default=60)
    parser.add_argument("--log-rows", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--parts", default=ALL_PARTS)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clean", action="store_true", help="Ta bort bänkdatabaserna.")
    args = parser.parse_args(argv)
    if args.clean:
        for name in database.drop_all():
            print(f"borttagen: {name}")
        if replica.remove():
            print(f"borttagen: {replica.DIRECTORY}")
        return 0
    results = {}
    for size in args.sizes:
        name = database.ensure(
            participants=size, areas=args.areas, log_rows=args.log_rows, seed=args.seed
        )
        parts = [part for part in args.parts.split(",") if part != "replica"]
        results[size] = _measure(name, args, ",".join(parts)) if parts else []
        if "replica" in args.parts.split(","):
            server, replica_url = replica.prepare(name, database.bench_urls(name)[1])
            try:
                lines = _measure(name, args, "replica", DATABASE_REPLICA_URL=replica_url)
            finally:
                server.stop()
            results[size] += [line for line in lines if line["line"] != "datamängd"]
    cores = os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(
        f"\nSamverkan bench: {platform.node()}, {cores} kärnor, {memory:.0f} GiB, "
        f"Python {platform.python_version()}, {args.areas} områden"
    )
    print(table(results))
    print(growth(results))
    failed = any(
        line["line"] == "MÄTNINGEN AVBRÖTS" for lines in results.values() for line in lines
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
