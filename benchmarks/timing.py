"""Timing side by side: the product and its floor alternate in one run, so both see the same
caches and the same machine; the medians are compared."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable


def p50_p95_ms(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(median, 95th percentile) in ms of `repeats` runs after one warm run."""
    fn()  # warm: plans, caches, pages in memory
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[round(0.95 * (len(times) - 1))]


def paired(product: Callable[[], object], floor: Callable[[], object], repeats: int):
    """(product ms, floor ms): medians of `repeats` alternating runs after one warm run each."""
    product()
    floor()
    p_times, f_times = [], []
    for _ in range(repeats):
        for fn, times in ((product, p_times), (floor, f_times)):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(p_times), statistics.median(f_times)


def emit(line: str, *, product_ms=None, floor_ms=None, target: str = "", met=None, **extra):
    """One line of the table, as JSON on stdout for the orchestrating process."""
    ratio = product_ms / floor_ms if product_ms is not None and floor_ms else None
    record = {
        "line": line,
        "product_ms": round(product_ms, 2) if product_ms is not None else None,
        "floor_ms": round(floor_ms, 2) if floor_ms is not None else None,
        "ratio": round(ratio, 2) if ratio is not None else None,
        "target": target,
        "met": met,
        **{k: round(v, 1) if isinstance(v, float) else v for k, v in extra.items()},
    }
    print("BENCH " + json.dumps(record, ensure_ascii=False), flush=True)
    print(f"[bench] {line}: {record}", file=sys.stderr, flush=True)
    return record


def ratio_met(product_ms: float, floor_ms: float, limit: float) -> bool:
    return product_ms <= limit * floor_ms
