"""Run the fault scenarios (chaos/scenarios) and print one table: each line what was done, what
was found, and whether the product held. Exit status 1 when any line did not hold.

    python -m chaos                      # every scenario
    python -m chaos --only worker_kill   # one (the module's name)
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time

from . import scenarios


def scenario_names() -> list[str]:
    return sorted(module.name for module in pkgutil.iter_modules(scenarios.__path__))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make chaos")
    parser.add_argument("--only", nargs="+", choices=scenario_names(), default=None)
    parser.add_argument("--rounds", type=int, default=None, help="Antal dödade arbetare.")
    parser.add_argument("--pairs", type=int, default=None, help="Antal samtidiga redigeringar.")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rows = []
    for name in args.only or scenario_names():
        module = importlib.import_module(f"{scenarios.__name__}.{name}")
        print(f"[chaos] {module.NAME} …", flush=True)
        started = time.monotonic()
        try:
            lines = module.run(args)
        except Exception as error:  # a scenario that cannot run is a failed line, not a crash
            lines = [{"line": module.NAME, "result": f"avbröts: {error!r}", "ok": False}]
        seconds = time.monotonic() - started
        rows += [dict(line, scenario=module.NAME, seconds=seconds) for line in lines]
    print("\n| scenario | vad som gjordes | vad som hände | höll |")
    print("|---|---|---|---|")
    for row in rows:
        held = "ja" if row["ok"] else "**nej**"
        print(f"| {row['scenario']} | {row['line']} | {row['result']} | {held} |")
    return 0 if rows and all(row["ok"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
