"""SQL kept per process for a page asked on every request (the worklist, cases.worklist_query):
building and compiling its querysets costs several times what PostgreSQL takes to answer, and
the text is the same for every request with the same inputs.

- `Frame`: SQL around the SQL of the cases a view shows (`CASES_SLOT` marks its places), kept
  per day, reader and filters, and filled with the cases' SQL kept per view;
- `kept` (samverkan.kept, re-exported here): a dict kept per process under a key of everything
  the kept value is built from, bounded;
- `Loaded`: model instances from the rows of such SQL, as the ORM would load them: every
  concrete field read in the model's order, through the converters the ORM applies, and made by
  `Model.from_db` (the documented way the ORM creates an instance from the database)."""

from __future__ import annotations

from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connection

from samverkan.kept import kept

__all__ = ["CASES_SLOT", "Frame", "Loaded", "kept"]

# Where the SQL of the cases a view shows goes in a `Frame`'s SQL.
CASES_SLOT = "/*the cases*/"


class Frame(NamedTuple):
    """SQL around the cases a view shows: `pieces` are the SQL between the places of the
    cases' SQL (`CASES_SLOT`), `params` the params of each piece."""

    pieces: tuple[str, ...]
    params: tuple[tuple, ...]

    @classmethod
    def of(cls, sql: str, *params) -> Frame:
        """`sql` with the slot in places; `params`: those of the SQL before the first place,
        between the first and the second, ... (none given: none)."""
        pieces = tuple(sql.split(CASES_SLOT))
        if len(params) > len(pieces):
            raise ValueError("more params than pieces of SQL")
        given = tuple(tuple(found) for found in params)
        return cls(pieces, given + ((),) * (len(pieces) - len(given)))

    def fill(self, cases: tuple[str, tuple], *after) -> tuple[str, list]:
        """SQL and params with the cases' SQL and params in its places; `after`: the params
        that follow the last piece."""
        sql, cases_params = cases
        params = [*self.params[0]]
        for piece_params in self.params[1:]:
            params += [*cases_params, *piece_params]
        return sql.join(self.pieces), [*params, *after]


class Loaded:
    """The concrete columns of `model` read from the table alias `alias`: `columns` (SQL, for a
    SELECT list), `width` of them; `load(values)` makes the instance from those values."""

    def __init__(self, model, alias: str):
        self.model = model
        fields = model._meta.concrete_fields
        self.attnames = [field.attname for field in fields]
        self.width = len(fields)
        self.columns = ", ".join(f'{alias}."{field.column}"' for field in fields)
        self.converters = []
        for place, field in enumerate(fields):
            column = field.get_col(alias)
            found = [
                *connection.ops.get_db_converters(column),
                *column.get_db_converters(connection),
            ]
            if found:
                self.converters.append((place, column, found))

    def load(self, values):
        if self.converters:
            values = list(values)
            for place, column, converters in self.converters:
                for converter in converters:
                    values[place] = converter(values[place], column, connection)
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)
