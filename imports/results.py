"""What an import answers: the counts of a file applied, or the reasons it was rejected."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ImportResult:
    """A file applied in full: `created` rows were new, `existing` were already stored."""

    kind: str
    rows: int
    created: int
    existing: int

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "existing": self.existing,
        }


@dataclass
class RowError:
    """Every problem of one rejected row: (column, message); column "" for the whole row."""

    line: int
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        seen = []
        for column, _message in self.problems:
            if column and column not in seen:
                seen.append(column)
        return seen

    @property
    def message(self) -> str:
        """One message for the row, its problems joined."""
        return " ".join(
            _("%(column)s: %(message)s") % {"column": column, "message": message}
            if column
            else message
            for column, message in self.problems
        )

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "column": ", ".join(self.columns),
            "message": self.message,
            "problems": [{"column": c, "message": m} for c, m in self.problems],
        }


class ImportRejected(Exception):
    """Nothing was written: the file as a whole is unusable (`file_error`), or some rows are
    (`rows`, one RowError per rejected row, in line order)."""

    def __init__(self, *, kind: str, file_error: str = "", rows=(), total_rows: int = 0):
        self.kind = kind
        self.file_error = file_error
        self.rows: list[RowError] = list(rows)
        self.total_rows = total_rows
        super().__init__(file_error or f"{len(self.rows)} rejected rows")

    @property
    def summary(self) -> str:
        if self.file_error:
            return _("Filen avvisades: %(reason)s Inget är sparat.") % {"reason": self.file_error}
        return _(
            "%(bad)d av %(total)d rader avvisades. Inget är sparat: rätta raderna och "
            "importera hela filen igen."
        ) % {"bad": len(self.rows), "total": self.total_rows}

    def as_dict(self, *, limit: int | None = None) -> dict:
        rows = self.rows if limit is None else self.rows[:limit]
        return {
            "kind": self.kind,
            "detail": self.summary,
            "file_error": self.file_error,
            "rows": self.total_rows,
            "rejected_count": len(self.rows),
            "rejected": [row.as_dict() for row in rows],
        }
