"""Concurrent edits at scale (SPEC §7: no silent overwrite; ADR 0006): randomised pairs of
writers, each pair two people saving at once on connections of their own, through the services
as the pages and the API call them.

Edit pairs (a case, a joint mapping, an individual plan, a work plan) count lost updates: a
change its writer was told was saved that the stored record does not hold. Lifecycle pairs
(phase transitions; starting, ending and swapping interventions and closing the case) count
states the rules forbid (`invariants`). `run_pairs` runs in whatever database Django is
connected to: the suite's test database, or the one `chaos/scenarios/concurrent_edits.py`
makes for `make chaos` (`python -m chaos.concurrency`)."""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field

TRANSITIONS, INTERVENTIONS = "fasbyten", "insatser"


@dataclass
class Tally:
    pairs: int = 0
    outcomes: Counter = field(default_factory=Counter)  # what the writers were told
    lost: int = 0  # edits: changes told "saved" but not stored
    faults: list[str] = field(default_factory=list)  # illegal states, errors, bad history

    def as_dict(self) -> dict:
        return {
            "pairs": self.pairs,
            "outcomes": dict(self.outcomes),
            "lost": self.lost,
            "faults": len(self.faults),
            "examples": self.faults[:5],
        }


def run_pairs(pairs: int, *, seed: int = 1, label: str = "cc") -> dict:
    """`pairs` pairs, each of a kind drawn at random; returns per kind what was found and the
    seconds the pairs took (the records they work on made in between, not counted)."""
    # Imported here, not at the top: `python -m chaos.concurrency` sets Django up first.
    from .edits import KINDS, edit_pair
    from .lifecycle import lifecycle_pair
    from .world import World
    from .writers import Writers

    rng = random.Random(seed)
    world = World(label=label)
    edits = [kind(world) for kind in KINDS]
    names = [kind.name for kind in edits] + [TRANSITIONS, INTERVENTIONS]
    tallies = {name: Tally() for name in names}
    writers = Writers()
    seconds = 0.0
    try:
        for number in range(pairs):
            name = rng.choice(names)
            tally = tallies[name]
            started = time.monotonic()
            if name in (TRANSITIONS, INTERVENTIONS):
                outcomes, faults = lifecycle_pair(
                    world, writers, rng, interventions=name == INTERVENTIONS
                )
            else:
                kind = edits[names.index(name)]
                outcomes, found = edit_pair(kind, writers, rng, number)
                faults = found.failures
                tally.lost += found.lost
            seconds += time.monotonic() - started
            tally.pairs += 1
            tally.outcomes.update(outcome.kind for outcome in outcomes)
            tally.faults += [f"par {number}: {fault}" for fault in faults]
    finally:
        writers.close()
    return {"seconds": round(seconds, 1), "kinds": {n: t.as_dict() for n, t in tallies.items()}}
