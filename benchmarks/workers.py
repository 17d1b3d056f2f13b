"""The monthly job on real Celery workers: the same tasks the beat schedule queues, with 1, 2 and
4 worker processes, the areas split into groups so the workers have something to share."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

from accounts.models import Area
from reporting.snapshots import month_groups, previous_month
from reporting.tasks import areas_snapshot
from samverkan.celery import app

from .database import ROOT
from .timing import emit

GROUP_SIZE = 8


def _worker(processes: int) -> subprocess.Popen:
    name = f"bench{processes}-{os.getpid()}@%h"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "samverkan",
            "worker",
            "--loglevel",
            "WARNING",
            "--concurrency",
            str(processes),
            "--prefetch-multiplier",
            "1",
            "-n",
            name,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env={**os.environ},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):
            return process
        time.sleep(0.5)
    process.terminate()
    raise RuntimeError("Celery-arbetaren startade inte")


def _run(label: str, groups) -> float:
    start = time.perf_counter()
    results = [areas_snapshot.delay(ids, label, nation) for ids, nation in groups]
    for result in results:
        result.get(timeout=3600)
    return (time.perf_counter() - start) * 1000


def scaling(repeats: int = 3) -> list[dict]:
    label = f"{previous_month(dt.date.today()):%Y-%m}"
    ids = list(Area.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    lines, first = [], None
    for processes in (1, 2, 4):
        worker = _worker(processes)
        try:
            one_task = [(ids, True)]
            grouped = month_groups(ids, GROUP_SIZE)
            _run(label, one_task)  # warm, and the month's first snapshots
            single = sorted(_run(label, one_task) for _ in range(repeats))[repeats // 2]
            split = sorted(_run(label, grouped) for _ in range(repeats))[repeats // 2]
        finally:
            worker.terminate()
            worker.wait(timeout=60)
        first = first or split
        lines.append(
            emit(
                f"månadsjobbet i Celery, {processes} arbetsprocess(er), {len(grouped)} uppgifter",
                product_ms=split,
                floor_ms=single,
                target="snabbare med fler processer",
                met=None if processes == 1 else split < first,
                speedup=round(first / split, 2),
                note="golv = allt i en uppgift, ett pass",
            )
        )
    return lines
