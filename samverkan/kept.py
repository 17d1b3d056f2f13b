"""Values kept per process under a key of everything they are built from: the SQL of a query
asked on every request, whose building and compiling costs more than PostgreSQL's answer (the
worklist, cases.kept_sql; the navigation's to-do count, todo.selectors; whether a person is on the
reader's caseload, `Marked`). ADR 0032."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.db import connection


def kept(store: dict, key: Hashable, build: Callable, *, most: int):
    """`store[key]`, built by `build()` when missing. `store` is kept per process, so `key`
    must name everything `build` reads; it is emptied when it holds `most` (never unbounded)."""
    found = store.get(key)
    if found is None:
        if len(store) >= most:
            store.clear()
        found = store[key] = build()
    return found


class Marked:
    """A `values()` queryset's SQL compiled once, with a mark in the place of each value that
    changes from one call to the next (a user's id, a person's id), run again with the values.

    Each mark must stand exactly once among the compiled parameters: a changed query that named
    a value twice, or not at all, would otherwise be run with the wrong one, so it is refused
    when compiled. A mark is a value no row can hold (a negative id). The reader's scope does the
    same by itself (accounts.scoping._profile_row): the organisation sits below this package."""

    def __init__(self, queryset, **marks):
        sql, params = queryset.query.sql_with_params()
        params = list(params)
        self.places = {}
        for name, mark in marks.items():
            if params.count(mark) != 1:
                raise RuntimeError(f"the query must name {name} exactly once")
            self.places[name] = params.index(mark)
        self.sql, self.params = sql, tuple(params)
        # The columns in the order Django's values() reads them.
        self.names = [*queryset.query.values_select, *queryset.query.annotation_select]

    def first(self, **values) -> dict | None:
        """The first row with `values` in the places of the marks, as values() gives it."""
        params = list(self.params)
        for name, value in values.items():
            params[self.places[name]] = value
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        return None if row is None else dict(zip(self.names, row, strict=True))
