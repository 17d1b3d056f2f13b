"""`python -m chaos.concurrency --pairs 1000 --seed 1`: the pairs in the database DATABASE_URL
names (made and migrated by chaos/scenarios/concurrent_edits.py), the findings as one JSON line
after "CONCURRENCY ".

`--without-row-locks` is the control run: the same pairs with a deliberate fault, the services'
`lock_for_update` reading the row without locking it. The run must then find lost updates and
illegal phase paths; if it found none, its pairs would not be racing and its clean results
would prove nothing."""

from __future__ import annotations

import argparse
import json
import os
import sys


def without_row_locks() -> None:
    """Every service module's `lock_for_update` replaced by a read without the row lock (the
    optimistic version check kept)."""
    from samverkan import services

    real = services.lock_for_update

    def unlocked(model, pk, expected_version):
        current = model.objects.get(pk=pk)
        if expected_version is not None and current.version != expected_version:
            raise services.ConcurrentEditError()
        return current

    for module in list(sys.modules.values()):
        if getattr(module, "lock_for_update", None) is real:
            module.lock_for_update = unlocked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos.concurrency")
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--label", default="cc", help="Prefix of the area and staff made.")
    parser.add_argument("--without-row-locks", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings.test")
    import django

    django.setup()
    from . import edits, lifecycle, run_pairs  # noqa: F401  (the services imported first)

    if args.without_row_locks:
        without_row_locks()
    found = run_pairs(args.pairs, seed=args.seed, label=args.label)
    print("CONCURRENCY " + json.dumps(found, ensure_ascii=False, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
