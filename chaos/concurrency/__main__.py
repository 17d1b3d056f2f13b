"""`python -m chaos.concurrency --pairs 1000 --seed 1`: the pairs in the database DATABASE_URL
names (made and migrated by chaos/scenarios/concurrent_edits.py), the findings as one JSON line
after "CONCURRENCY "."""

from __future__ import annotations

import argparse
import json
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos.concurrency")
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings.test")
    import django

    django.setup()
    from . import run_pairs

    found = run_pairs(args.pairs, seed=args.seed)
    print("CONCURRENCY " + json.dumps(found, ensure_ascii=False, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
