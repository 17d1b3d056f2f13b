"""Values kept per process under a key of everything they are built from: the SQL of a query
asked on every request, whose building and compiling costs more than PostgreSQL's answer (the
worklist, cases.kept_sql; the navigation's to-do count, todo.selectors). ADR 0032."""

from __future__ import annotations

from collections.abc import Callable, Hashable


def kept(store: dict, key: Hashable, build: Callable, *, most: int):
    """`store[key]`, built by `build()` when missing. `store` is kept per process, so `key`
    must name everything `build` reads; it is emptied when it holds `most` (never unbounded)."""
    found = store.get(key)
    if found is None:
        if len(store) >= most:
            store.clear()
        found = store[key] = build()
    return found
