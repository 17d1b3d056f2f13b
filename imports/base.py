"""The shape every import kind shares (SPEC §6): read the file, load what the rows refer to with
one query per table, check every row, reject the whole file if any row is bad, otherwise write
the new rows with bulk inserts and log who imported what.

A kind (imports/kinds/) says which columns it has, how one row is checked into a `Planned`
record (new, or already stored), what must hold between rows, and how new records are written.
The number of queries does not depend on the number of rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from accounts.models import Area
from audit.models import AccessLog
from cases.models import Person
from samverkan.services import AccessContext, log_access_subjects

from .cells import CellError, IdentityCache
from .reading import Row
from .results import ImportRejected, ImportResult, RowError

PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class Actor:
    """Who imports: a user (their areas bound the rows) or the command line (every area)."""

    context: AccessContext
    area_ids: frozenset[int] | None  # None: every area

    @property
    def user(self):
        return self.context.user

    @property
    def username(self) -> str:
        return self.context.username

    def may_use(self, area_id: int) -> bool:
        return self.area_ids is None or area_id in self.area_ids


@dataclass
class Planned:
    """One checked row: the record it describes, and whether it is already stored."""

    line: int
    key: tuple
    person_id: int | None
    area_id: int
    values: dict
    existing: bool = False
    extra: dict = field(default_factory=dict)


class Problems(list):
    """(column, message) pairs of one row."""

    def add(self, column: str, message: str) -> None:
        self.append((column, message))

    def cell(self, column: str, parse: Callable, *args, **kwargs):
        """Parse one cell; on failure note the reason under its column and return None."""
        try:
            return parse(*args, **kwargs)
        except CellError as exc:
            self.add(column, exc.message)
            return None


class Importer:
    kind: str = ""
    columns: tuple[str, ...] = ()
    key_label: str = ""  # how the natural key reads in "Samma … som rad N."
    object_type: str = ""  # the access log's name for the records written

    def __init__(
        self, *, actor: Actor, today: dt.date, filename: str = "", area=None, progress=None
    ):
        self.actor = actor
        self.today = today
        self.filename = filename
        self.area = area
        self.progress = progress
        self.identities = IdentityCache()
        self.areas_by_code: dict[str, Area] = {}
        self.persons: dict[str, dict] = {}
        # (person id, area id) of people of other areas a row was about: a rejected import logs
        # them, so that area's coordinator sees the attempt (SPEC §7).
        self.refused_persons: list[tuple[int, int]] = []

    # --- what a kind provides -----------------------------------------------------------------

    def load(self, rows: list[Row]) -> None:
        """Fetch what the rows refer to, once."""

    def check_row(self, row: Row, problems: Problems) -> Planned | None:  # pragma: no cover
        raise NotImplementedError

    def check_together(self, items: list[Planned], add: Callable[[int, str, str], None]):
        """Rules between rows and stored records (e.g. periods that must not overlap)."""

    def write(self, new: list[Planned]) -> list[tuple]:  # pragma: no cover
        """Insert the new records; return the access-log subjects
        (object_type, object_id, person_id, area_id, purpose)."""
        raise NotImplementedError

    # --- shared helpers -----------------------------------------------------------------------

    def load_areas(self) -> None:
        self.areas_by_code = {area.code: area for area in Area.objects.all()}

    def load_persons(self, rows: list[Row], *fields: str) -> None:
        numbers = set()
        for row in rows:
            try:
                numbers.add(self.identities.parse(row.cells.get("personnummer", "")).number)
            except CellError:
                pass
        self.persons = {
            p["personnummer"]: p
            for p in Person.objects.filter(personnummer__in=numbers).values(
                "id", "personnummer", "area_id", *fields
            )
        }

    def person_of(self, row: Row, problems: Problems) -> dict | None:
        """The stored person the row is about, in the importer's areas. A person of another
        area reads as not registered, so the message tells nothing about other areas."""
        identity = problems.cell("personnummer", self.identities.parse, row.cells["personnummer"])
        if identity is None:
            return None
        person = self.persons.get(identity.number)
        if person is not None and not self.actor.may_use(person["area_id"]):
            self.refused_persons.append((person["id"], person["area_id"]))
        if person is None or not self.actor.may_use(person["area_id"]):
            problems.add(
                "personnummer",
                _(
                    "Personen finns inte registrerad i dina samverkansområden. Importera "
                    "personen först (filtyp persons)."
                ),
            )
            return None
        return person

    def area_of(self, row: Row, problems: Problems, person: dict | None) -> Area | None:
        code = row.cells["area_code"]
        if not code:
            problems.add("area_code", _("Samverkansområde saknas."))
            return None
        area = self.areas_by_code.get(code)
        if area is None:
            problems.add("area_code", _("Okänt samverkansområde '%(c)s'.") % {"c": code[:40]})
            return None
        if not self.actor.may_use(area.pk):
            problems.add(
                "area_code",
                _("Du kan inte importera till samverkansområdet '%(c)s'.") % {"c": code},
            )
            return None
        if person is not None and person["area_id"] != area.pk:
            # A case or mapping is run in the person's area (cases.services.case_open).
            problems.add(
                "area_code",
                _("Personen hör till ett annat samverkansområde än '%(c)s'.") % {"c": code},
            )
            return None
        return area

    @staticmethod
    def differing(stored: dict, values: dict, columns: dict[str, str]) -> list[str]:
        """Columns whose value in the file differs from the stored one. An empty cell is
        unknown and never differs (SPEC §6)."""
        return [
            column
            for column, name in columns.items()
            if values.get(name) not in (None, "") and stored.get(name) != values[name]
        ]

    def conflict(self, problems: Problems, what: str, columns: list[str]) -> None:
        problems.add(
            "",
            _(
                "%(what)s finns redan med andra uppgifter i %(cols)s. Importen ändrar inte "
                "det som finns: rätta filen eller ändra i Samverkan."
            )
            % {"what": what, "cols": ", ".join(columns)},
        )

    @property
    def change_reason(self) -> str:
        """What the change history says about records the import wrote."""
        return f"import {self.kind}"

    def purpose(self, detail: str) -> str:
        name = f" ({self.filename})" if self.filename else ""
        return f"import {self.kind}{name}: {detail}"

    # --- the run ------------------------------------------------------------------------------

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def run_rows(self, rows: list[Row]) -> ImportResult:
        self.load(rows)
        errors: dict[int, list] = {}
        items: list[Planned] = []
        first_line: dict[tuple, int] = {}
        first_key: dict[tuple, int] = {}
        total = len(rows)
        for done, row in enumerate(rows, start=1):
            problems = Problems()
            if row.problem:
                problems.add("", row.problem)
            elif row.raw in first_line:
                problems.add(
                    "", _("Raden är en dubblett av rad %(n)d.") % {"n": first_line[row.raw]}
                )
            else:
                first_line[row.raw] = row.line
                item = self.check_row(row, problems)
                if item is not None and not problems:
                    if item.key in first_key:
                        problems.add(
                            "",
                            _("Samma %(key)s som rad %(n)d.")
                            % {"key": self.key_label, "n": first_key[item.key]},
                        )
                    else:
                        first_key[item.key] = row.line
                        items.append(item)
            if problems:
                errors[row.line] = list(problems)
            if done % PROGRESS_EVERY == 0 or done == total:
                self._report(done, total)

        def add(line: int, column: str, message: str) -> None:
            errors.setdefault(line, []).append((column, message))

        self.check_together(items, add)
        if errors:
            raise ImportRejected(
                kind=self.kind,
                rows=[RowError(line, errors[line]) for line in sorted(errors)],
                total_rows=total,
            )
        new = [item for item in items if not item.existing]
        subjects = self.write(new) if new else []
        self.log(subjects, areas={item.area_id for item in items}, new=len(new), total=total)
        return ImportResult(kind=self.kind, rows=total, created=len(new), existing=total - len(new))

    def log(self, subjects: list[tuple], *, areas: set[int], new: int, total: int) -> None:
        """Who imported what (SPEC §7): one entry per record or person written, and one
        summary per area the file's rows belong to, so each area's coordinator sees the import
        (also one that found everything already there)."""
        # The log is kept in Swedish whatever the user's language, like every other entry.
        detail = f"{total} rader, {new} nya, {total - new} fanns redan"
        summary = [
            ("import", self.kind, None, area_id, self.purpose(detail)) for area_id in sorted(areas)
        ]
        log_access_subjects(
            self.actor.context, action=AccessLog.Action.CREATE, subjects=[*subjects, *summary]
        )


def subjects_per_person(written, *, object_type: str, describe) -> list[tuple]:
    """Access-log subjects grouped by person from (person_id, area_id, record id): one entry per
    person with the records written for them (the record's id when there is only one), so a
    100 000-row file logs each person once."""
    by_person: dict[tuple, list] = defaultdict(list)
    for person_id, area_id, pk in written:
        by_person[(person_id, area_id)].append(pk)
    return [
        (
            object_type,
            str(ids[0]) if len(ids) == 1 else "",
            person_id,
            area_id,
            describe(len(ids)),
        )
        for (person_id, area_id), ids in by_person.items()
    ]
