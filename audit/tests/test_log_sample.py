"""The log review's reproducible sample (`audit.selectors.log_sample`, SPEC §7): what the page
promises of it, at the selector. The same seed over the same month gives the same entries in
the same order; different seeds give different samples; every entry of the month can be
drawn, none more than a few times as often as another; entries of other areas never."""

import datetime as dt
from collections import Counter

import pytest

from accounts.tests.factories import AreaFactory
from audit import selectors
from audit.models import DRAW_KEY, AccessLog
from audit.periods import day_range, month_bounds

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)
SEEDS = [f"frö{n}" for n in range(300)]


@pytest.fixture
def areas():
    return AreaFactory(code="sdt"), AreaFactory(code="ume"), AreaFactory(code="lkp")


@pytest.fixture
def log(areas):
    """60 entries about a person in each of the first two areas in March; in the first, also
    entries about no one and entries of February and April."""
    ours, theirs, _third = areas
    low, high = day_range(*month_bounds(MARCH))
    entries = [
        AccessLog(
            occurred_at=low + dt.timedelta(hours=11 * i),
            action=AccessLog.Action.VIEW,
            person_id=1 + i % 7,
            area=area,
        )
        for i in range(60)
        for area in (ours, theirs)
    ]
    entries += [
        AccessLog(occurred_at=low + dt.timedelta(hours=i), action="search", area=ours)
        for i in range(5)
    ]
    entries += [
        AccessLog(occurred_at=when, action="view", person_id=1, area=ours)
        for when in (low - dt.timedelta(minutes=1), high)
    ]
    AccessLog.objects.bulk_create(entries)


def _sample(area_ids, seed, size=10) -> list[int]:
    start, end = month_bounds(MARCH)
    return [
        e.pk
        for e in selectors.log_sample(area_ids=area_ids, seed=seed, size=size, start=start, end=end)
    ]


def _march(area_ids) -> dict[int, int]:
    """id → key of the areas' March entries about a person."""
    return dict(
        AccessLog.objects.filter(area__in=area_ids, person_id__isnull=False)
        .on_days(*month_bounds(MARCH))
        .annotate(draw=DRAW_KEY)
        .values_list("pk", "draw")
    )


def test_the_draw_is_the_keys_following_the_seeds_starting_point_going_round(areas, log):
    ours, theirs, _ = areas
    keys = _march([ours.pk, theirs.pk])
    for seed in SEEDS[:40]:
        first = selectors.draw_start(seed)
        expected = sorted(keys, key=lambda pk: (keys[pk] < first, keys[pk], pk))

        assert _sample([ours.pk, theirs.pk], seed, size=15) == expected[:15], seed
    # the whole month, once, in the order drawn (past the largest key, on from the smallest)
    assert sorted(_sample([ours.pk, theirs.pk], "alla", size=200)) == sorted(keys)


def test_the_same_seed_gives_the_same_sample_and_different_seeds_different_ones(areas, log):
    ours = areas[0].pk

    samples = [tuple(_sample([ours], seed)) for seed in SEEDS[:50]]

    assert samples == [tuple(_sample([ours], seed)) for seed in SEEDS[:50]]
    assert all(len(sample) == 10 for sample in samples)
    # two seeds give the same sample only when they start between the same two neighbouring
    # keys (the same first entry): a month of n entries has n samples, 60 here
    assert len(set(samples)) == len({sample[0] for sample in samples}) > 1


def test_every_entry_can_be_drawn_and_none_is_favoured_much(areas, log):
    ours = areas[0].pk

    drawn = Counter(pk for seed in SEEDS for pk in _sample([ours], seed))

    assert set(drawn) == set(_march([ours]))
    # each entry's share is 10 in 60 on average (50 of 300 draws); an entry's own chance is
    # the share of the keys' range its ten predecessors span, within a few times of that
    assert min(drawn.values()) >= 10
    assert max(drawn.values()) <= 150


def test_entries_of_other_areas_are_never_drawn(areas, log):
    ours, theirs, third = areas

    assert set(_sample([ours.pk], "alla", size=200)) == set(_march([ours.pk]))
    assert set(_sample([theirs.pk], "alla", size=200)) == set(_march([theirs.pk]))
    assert _sample([third.pk], "alla", size=200) == []
    assert _sample([], "alla") == []
