"""Two writers at once, each on a database connection of its own: each reads what its form would
show (the version it carries), both wait at a barrier until both have read, then both save
through the service. What each was told is kept as an `Outcome`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection

from samverkan.services import ConcurrentEditError

SAVED, CONFLICT, REFUSED, ERROR = "sparad", "konflikt", "nekad", "fel"
BARRIER_SECONDS = 30


@dataclass
class Writer:
    """`read()` runs before the barrier and returns what the form carries; `write(read)`
    after it, through the service. `who` is the user, `values` what the writer typed."""

    read: Callable[[], Any]
    write: Callable[[Any], Any]
    who: Any = None
    values: dict = field(default_factory=dict)
    label: str = ""


@dataclass
class Outcome:
    writer: Writer
    kind: str
    detail: str = ""
    result: Any = None

    @property
    def saved(self) -> bool:
        return self.kind == SAVED


def _run(writer: Writer, barrier: threading.Barrier) -> Outcome:
    try:
        read = writer.read()
    except Exception as error:  # noqa: BLE001  (a read that fails is a failed line)
        barrier.abort()
        return Outcome(writer, ERROR, f"läsningen: {error!r}")
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        return Outcome(writer, ERROR, "den andra skrivaren kom aldrig fram")
    try:
        return Outcome(writer, SAVED, result=writer.write(read))
    except ConcurrentEditError:
        return Outcome(writer, CONFLICT)
    except ValidationError as error:
        return Outcome(writer, REFUSED, "; ".join(error.messages))
    except Exception as error:  # noqa: BLE001  (a deadlock, a constraint: what is counted)
        return Outcome(writer, ERROR, repr(error))


class Writers:
    """Two threads kept for the whole run, so each keeps its own connection (Django's are per
    thread)."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="skrivare")

    def pair(self, first: Writer, second: Writer) -> list[Outcome]:
        barrier = threading.Barrier(2, timeout=BARRIER_SECONDS)
        futures = [self._pool.submit(_run, writer, barrier) for writer in (first, second)]
        return [future.result() for future in futures]

    def close(self) -> None:
        """Each thread closes its connection (the barrier makes each thread take one)."""
        barrier = threading.Barrier(2, timeout=BARRIER_SECONDS)

        def close_own() -> None:
            barrier.wait()
            connection.close()

        for future in [self._pool.submit(close_own) for _ in range(2)]:
            future.result()
        self._pool.shutdown()
