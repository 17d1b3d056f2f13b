"""Concurrent edits (SPEC §7, ADR 0006): the quick version of `make chaos`'s 1 000 pairs
(chaos/scenarios/concurrent_edits.py). Two writers on connections of their own read the same
record, wait for each other, then save through the service; committed data is needed, hence
`transaction=True`."""

import pytest

from chaos.concurrency import INTERVENTIONS, TRANSITIONS, run_pairs
from chaos.concurrency.writers import CONFLICT, SAVED

pytestmark = pytest.mark.django_db(transaction=True)

EDITS = ("ärende", "kartläggning", "individuell plan", "arbetsplan")


def test_fifty_random_pairs_lose_no_update_and_leave_no_illegal_state():
    # given 50 pairs drawn at random over the six kinds
    found = run_pairs(50, seed=7)["kinds"]

    # then every kind ran, nothing was lost, no state is illegal and the history agrees
    assert all(found[name]["pairs"] for name in (*EDITS, TRANSITIONS, INTERVENTIONS)), found
    assert {name: (k["lost"], k["examples"]) for name, k in found.items()} == {
        name: (0, []) for name in found
    }
    # and two editors of one record: one saved, the other told of the conflict
    for name in EDITS:
        outcomes = found[name]["outcomes"]
        assert outcomes == {SAVED: found[name]["pairs"], CONFLICT: found[name]["pairs"]}, name
    # and the lifecycle pairs saved something, so the states checked were reached at once
    assert found[TRANSITIONS]["outcomes"].get(SAVED, 0) > 0
    assert found[INTERVENTIONS]["outcomes"].get(SAVED, 0) > 0
