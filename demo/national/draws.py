"""Quick draws from `random.Random`: the standard `randint`, `randrange` and `choice` cost
several times a `random()` call, and the generator draws tens of millions of times. Each is
still a function of the generator's sequence alone, so a seed gives the same data."""


def between(rng, low: int, high: int) -> int:
    """An integer from `low` to `high`, both included."""
    return low + int(rng.random() * (high - low + 1))


def within(rng, low: int, high: int) -> int:
    """An integer from `low` up to, not including, `high`."""
    return low + int(rng.random() * (high - low))


def one_of(rng, items):
    return items[int(rng.random() * len(items))]
