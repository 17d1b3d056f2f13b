"""The answers of the suppression kept, by table: for the process, and in the shared cache so
that every worker computes a stored month's answer once (the figures of a snapshot never
change, and a table's answer depends on the table alone)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache

# Part of every shared key: raise it whenever what the suppression hides or how it marks
# changes, so that no answer of an earlier release is read back.
RULES_VERSION = 2
KEPT_IN_PROCESS = 2048
KEPT_SECONDS = 400 * 24 * 3600  # the dashboard's 24 months, and some


def _canonical(key: tuple) -> str:
    """The same text in every process: the key's sets sorted (a set's order depends on string
    hashing); its other parts are tuples of strings and numbers, whose repr is fixed."""
    return "|".join(
        repr(sorted(part, key=repr)) if isinstance(part, frozenset | set) else repr(part)
        for part in key
    )


def remembered(store: dict, kind: str, key: tuple, compute: Callable[[], object]):
    """`compute()`'s answer for `key`: from the process's `store`, else the shared cache, else
    computed and kept in both (the oldest of the store goes first)."""
    answer = store.get(key)
    if answer is not None:
        return answer
    digest = hashlib.sha256(_canonical(key).encode()).hexdigest()
    shared = f"suppression:v{RULES_VERSION}:{kind}:{digest}"
    answer = cache.get(shared)
    if answer is None:
        answer = compute()
        cache.set(shared, answer, timeout=KEPT_SECONDS)
    if len(store) >= KEPT_IN_PROCESS:
        store.pop(next(iter(store)))
    store[key] = answer
    return answer
