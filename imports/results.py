"""What an import answers: the counts of a file applied, or the reasons it was rejected."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# The rejected rows an import keeps with their reasons (the page, the API and the command list
# them); beyond this they are only counted.
KEPT_REJECTED_ROWS = 1000


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


class RowErrorList:
    """The rejected rows of one file: every one counted, the first `keep` of them (by line)
    kept with their problems, so a file of a million bad rows costs no more memory than one of
    a thousand. Every listing (page, API, command) shows at most this many; the count is exact."""

    def __init__(self, keep: int = KEPT_REJECTED_ROWS):
        self.keep = keep
        self.count = 0
        self._kept: dict[int, list[tuple[str, str]]] = {}
        self._highest = 0

    def add(self, line: int, problems, *, new: bool = True) -> None:
        """The problems of `line`; `new` is False for a line counted already (a later check
        adding to its problems)."""
        if new:
            self.count += 1
        if line in self._kept:
            self._kept[line].extend(problems)
            return
        if len(self._kept) >= self.keep:
            if line > self._highest:
                return
            del self._kept[self._highest]
        self._kept[line] = list(problems)
        self._highest = max(self._kept)

    def __bool__(self) -> bool:
        return self.count > 0

    def rows(self) -> list[RowError]:
        return [RowError(line, self._kept[line]) for line in sorted(self._kept)]


class ImportRejected(Exception):
    """Nothing was written: the file as a whole is unusable (`file_error`), or some rows are
    (`rows`, one RowError per rejected row listed, in line order; `rejected_count` of them in
    all, more than listed when the file has more than KEPT_REJECTED_ROWS)."""

    def __init__(
        self,
        *,
        kind: str,
        file_error: str = "",
        rows=(),
        total_rows: int = 0,
        rejected_count: int | None = None,
    ):
        self.kind = kind
        self.file_error = file_error
        self.rows: list[RowError] = list(rows)
        self.total_rows = total_rows
        self.rejected_count = len(self.rows) if rejected_count is None else rejected_count
        super().__init__(file_error or f"{self.rejected_count} rejected rows")

    @property
    def hidden_count(self) -> int:
        """Rejected rows counted but not listed."""
        return max(0, self.rejected_count - len(self.rows))

    @property
    def summary(self) -> str:
        if self.file_error:
            return _("Filen avvisades: %(reason)s Inget är sparat.") % {"reason": self.file_error}
        return _(
            "%(bad)d av %(total)d rader avvisades. Inget är sparat: rätta raderna och "
            "importera hela filen igen."
        ) % {"bad": self.rejected_count, "total": self.total_rows}

    def as_dict(self, *, limit: int | None = None) -> dict:
        rows = self.rows if limit is None else self.rows[:limit]
        return {
            "kind": self.kind,
            "detail": self.summary,
            "file_error": self.file_error,
            "rows": self.total_rows,
            "rejected_count": self.rejected_count,
            "rejected": [row.as_dict() for row in rows],
        }


def concurrent_change_rejection(kind: str) -> ImportRejected:
    """Someone saved a conflicting record between an import's checks and its insert (a form, the
    admin): nothing is written, and the next attempt sees their record."""
    return ImportRejected(
        kind=kind,
        file_error=_(
            "Uppgifterna ändrades samtidigt av någon annan. Inget är sparat; importera filen igen."
        ),
    )


def rejection_lines(rejected: ImportRejected) -> list[str]:
    """A rejection as a command prints it: one line per rejected row listed, then how many more."""
    lines = [
        _("rad %(line)d: %(message)s") % {"line": row.line, "message": row.message}
        for row in rejected.rows
    ]
    if rejected.hidden_count:
        lines.append(_("… och %(n)d rader till med fel.") % {"n": rejected.hidden_count})
    return lines
