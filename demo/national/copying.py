"""Rows to PostgreSQL with COPY: each table's rows of one batch collect as lines of COPY's text
format and go to the server through an in-memory file, so memory holds one batch at a time
whatever the size of the dataset.

Values are formatted by the callers with the helpers here (for speed, not through a generic
per-value function): dates are day numbers (`date.toordinal()`) turned into text through a
table built once, booleans are `t`/`f`, NULL is `\\N`, and text from outside the generator's own
constant lists goes through `text()`."""

from __future__ import annotations

import datetime as dt
import io

from .tables import KEY, TABLES

NULL = "\\N"
# Bytes handed to the server per call: large, so the thread sending them waits for the others
# (generating the next batch) seldom.
COPY_CHUNK = 1 << 22
TRUE, FALSE = "t", "f"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def text(value: str) -> str:
    """A string as COPY's text format needs it (backslash, tab, newline, carriage return)."""
    return value.translate(_ESCAPES)


def flag(value: bool | None) -> str:
    return NULL if value is None else (TRUE if value else FALSE)


class Days:
    """ISO text of every day number from `first` to `last`, and of every minute of a day,
    computed once."""

    def __init__(self, first: dt.date, last: dt.date):
        self.base = first.toordinal()
        self.iso = [
            dt.date.fromordinal(n).isoformat() for n in range(self.base, last.toordinal() + 1)
        ]
        self._day = [f"{iso} " for iso in self.iso]
        self._minute = [f"{m // 60:02d}:{m % 60:02d}:00+00" for m in range(24 * 60)]

    def __call__(self, day: int | None) -> str:
        return NULL if day is None else self.iso[day - self.base]

    def at(self, day: int, minute: int) -> str:
        """A timestamp on `day`, `minute` minutes after midnight UTC."""
        return self._day[day - self.base] + self._minute[minute]


class Ids:
    """The next id of each table: after the largest id already there. The sequences are set
    past the generated ids at the end (database.sequences_advance)."""

    def __init__(self, start: dict[str, int]):
        self.last = dict(start)

    def take(self, table: str) -> int:
        self.last[table] += 1
        return self.last[table]

    def take_many(self, table: str, n: int) -> int:
        """Reserve `n` ids; returns the first."""
        first = self.last[table] + 1
        self.last[table] += n
        return first


class Batch:
    """The lines of one batch, per table; `seal` turns them into the bytes COPY reads (done by
    the thread that writes the rows, so the thread sending them only sends)."""

    def __init__(self):
        self.lines: dict[str, list[str]] = {name: [] for name in TABLES}
        self.data: dict[str, tuple[bytes, int]] = {}

    def add(self, table: str, *values: str) -> None:
        self.lines[table].append("\t".join(values))

    def seal(self) -> Batch:
        for name, lines in self.lines.items():
            if lines:
                self.data[name] = (("\n".join(lines) + "\n").encode(), len(lines))
        self.lines = {}
        return self

    def take(self, names) -> Batch:
        """A batch of this one's sealed rows of the tables `names`, taken out of this one."""
        part = Batch()
        part.lines = {}
        part.data = {name: self.data.pop(name) for name in list(self.data) if name in names}
        return part

    def copy(self, cursor, counts: dict[str, int]) -> int:
        """COPY every table's rows, in the order of TABLES (foreign keys point backwards);
        adds to `counts`; returns the number of rows sent."""
        if self.lines:
            self.seal()
        sent = 0
        for name, (data, rows) in self.data.items():
            columns = ", ".join(TABLES[name])
            cursor.copy_expert(
                f"COPY {name} ({columns}) FROM STDIN", io.BytesIO(data), size=COPY_CHUNK
            )
            counts[name] = counts.get(name, 0) + rows
            sent += rows
        self.data = {}
        return sent


def largest_ids(cursor) -> dict[str, int]:
    """The largest id (history id) already in each table, 0 when empty."""
    found = {}
    for name, key in KEY.items():
        # The names are the constants of tables.py.
        cursor.execute(f"SELECT coalesce(max({key}), 0) FROM {name}")  # noqa: S608
        found[name] = int(cursor.fetchone()[0])
    return found
