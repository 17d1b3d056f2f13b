"""The shape every import kind shares (SPEC §6): read the file as a stream, batch by batch load
what the rows refer to with one query per table, check the rows, write the new ones with bulk
inserts while no row is rejected, and log who imported what; one rejected row anywhere rejects
the whole file (the caller's transaction takes back what was written).

A kind (imports/kinds/) says which columns it has, how one row is checked into a `Planned`
record (new, or already stored), what must hold between rows, and how new records are written.
The number of queries depends on the number of batches, not on the rows; the memory on the
batch size, not on the file (ADR 0019)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import islice

from django.utils.translation import gettext as _

from accounts.models import Area, OfficeUnit
from accounts.offices import OFFICE_FIELDS, office_problem
from audit.models import AccessLog
from cases.models import Person
from samverkan.services import AccessContext, log_access_subjects

from .cells import CellError, IdentityCache
from .ledger import Entry, Ledger, fingerprint
from .reading import Row
from .results import ImportRejected, ImportResult, RowErrorList

# The optional columns of the cases and mappings files naming the record's offices (SPEC §2) by
# code, and the field each fills.
OFFICE_COLUMNS = {"fk_office_code": "fk_office", "af_office_code": "af_office"}

# Rows checked (and written) together: what one batch holds is all the memory an import
# needs for its rows, and its lookups are one query per table (imports/tests/test_queries.py).
BATCH_ROWS = 5000
# People of other areas a rejected import logs (SPEC §7); a file of nothing else is refused
# whole anyway.
MAX_REFUSED_LOGGED = 10_000


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
    # Columns a file may leave out (added after the format was published): a missing one is
    # read as empty cells, i.e. unknown.
    optional_columns: tuple[str, ...] = ()
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
        self.offices_by_code: dict[str, OfficeUnit] = {}
        self.persons: dict[str, dict] = {}
        # (person id, area id) of people of other areas a row was about: a rejected import logs
        # them, so that area's coordinator sees the attempt (SPEC §7).
        self.refused_persons: set[tuple[int, int]] = set()

    # --- what a kind provides -----------------------------------------------------------------

    def prepare(self) -> None:
        """Fetch what every row may refer to (areas, code lists), once per import."""

    def load(self, rows: list[Row]) -> None:
        """Fetch what one batch's rows refer to (people, their stored records), once per
        batch."""

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

    def load_offices(self) -> None:
        self.offices_by_code = {office.code: office for office in OfficeUnit.objects.all()}

    def offices_of(self, row: Row, problems: Problems, area: Area | None) -> dict:
        """The row's offices ({field}_id: id or None) from OFFICE_COLUMNS, each checked by the
        models' rule (accounts.offices: the right kind, in the row's area)."""
        values = {}
        for column, name in OFFICE_COLUMNS.items():
            code = row.cells.get(column, "")
            values[f"{name}_id"] = None
            if not code:
                continue
            office = self.offices_by_code.get(code)
            if office is None:
                problems.add(column, _("Okänt kontor '%(c)s'.") % {"c": code[:40]})
                continue
            kind = OFFICE_FIELDS[name][0]
            problem = office_problem(office, area_id=area.pk if area else None, kind=kind)
            if problem:
                problems.add(column, problem)
                continue
            values[f"{name}_id"] = office.pk
        return values

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

    def refuse(self, person: dict) -> None:
        if len(self.refused_persons) < MAX_REFUSED_LOGGED:
            self.refused_persons.add((person["id"], person["area_id"]))

    def person_of(self, row: Row, problems: Problems) -> dict | None:
        """The stored person the row is about, in the importer's areas. A person of another
        area reads as not registered, so the message tells nothing about other areas."""
        identity = problems.cell("personnummer", self.identities.parse, row.cells["personnummer"])
        if identity is None:
            return None
        person = self.persons.get(identity.number)
        if person is not None and not self.actor.may_use(person["area_id"]):
            self.refuse(person)
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

    def _report(self, checked: int, total: int | None, written: int) -> None:
        if self.progress is not None:
            self.progress(checked, total, written)

    def run(self, rows: Iterable[Row], *, expected: int | None = None) -> ImportResult:
        """Check every row and write the new ones, one batch at a time (README "Import",
        "Memory"): a batch is checked against what is stored, then, as long as no row so far
        was rejected, written. Rows of a later batch are checked against the earlier batches
        as stored, and the ledger finds lines and keys repeated across batches. Any rejected
        row, here or in the ledger at the end, raises ImportRejected: the caller's transaction
        then takes back every batch written (all or nothing)."""
        self.prepare()
        ledger = Ledger()
        errors = RowErrorList()
        checked = created = existing = 0
        areas: set[int] = set()
        for batch in batched(rows, BATCH_ROWS):
            self.identities = IdentityCache()
            self.load(batch)
            batch_errors, items, entries = self._check_batch(batch)
            for entry_index, entry in enumerate(entries):
                if entry.line in batch_errors and not entry.bad:
                    entries[entry_index] = replace(entry, bad=True)
            ledger.add(entries)
            for line in sorted(batch_errors):
                errors.add(line, batch_errors[line])
            checked += len(batch)
            if not errors:
                new = [item for item in items if not item.existing]
                subjects = self.write(new) if new else []
                if subjects:
                    log_access_subjects(
                        self.actor.context, action=AccessLog.Action.CREATE, subjects=subjects
                    )
                created += len(new)
                existing += len(items) - len(new)
                areas |= {item.area_id for item in items}
            self._report(checked, expected, created)
        for repeat in ledger.repeats():
            message = (
                _("Raden är en dubblett av rad %(n)d.") % {"n": repeat.first}
                if repeat.whole_line
                else _("Samma %(key)s som rad %(n)d.") % {"key": self.key_label, "n": repeat.first}
            )
            errors.add(repeat.line, [("", message)], new=not repeat.bad)
        if errors:
            raise ImportRejected(
                kind=self.kind,
                rows=errors.rows(),
                total_rows=checked,
                rejected_count=errors.count,
            )
        self.log_summary(areas=areas, new=created, total=checked)
        return ImportResult(kind=self.kind, rows=checked, created=created, existing=existing)

    def _check_batch(self, batch: list[Row]):
        """The rows of one batch checked: their problems by line, the planned records, and the
        ledger's entries."""
        errors: dict[int, list] = {}
        items: list[Planned] = []
        entries: list[Entry] = []
        first_line: dict[tuple, int] = {}
        first_key: dict[tuple, int] = {}
        for row in batch:
            problems = Problems()
            key = None
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
                        key = fingerprint(item.key)
                        items.append(item)
                entries.append(Entry(row.line, fingerprint(row.raw), key, bool(problems)))
            if problems:
                errors[row.line] = list(problems)

        def add(line: int, column: str, message: str) -> None:
            errors.setdefault(line, []).append((column, message))

        self.check_together(items, add)
        return errors, items, entries

    def log_summary(self, *, areas: set[int], new: int, total: int) -> None:
        """Who imported what (SPEC §7), besides the entries of each batch's records or people
        written (one per person and batch, `write`): one summary per area the file's rows
        belong to, so each area's coordinator sees the import (also one that found everything
        already there)."""
        # The log is kept in Swedish whatever the user's language, like every other entry.
        detail = f"{total} rader, {new} nya, {total - new} fanns redan"
        summary = [
            ("import", self.kind, None, area_id, self.purpose(detail)) for area_id in sorted(areas)
        ]
        log_access_subjects(self.actor.context, action=AccessLog.Action.CREATE, subjects=summary)


def batched(rows: Iterable, size: int):
    """Lists of `size` items (the last one shorter) taken from `rows` as it is read."""
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield batch


def subjects_per_person(written, *, object_type: str, describe) -> list[tuple]:
    """Access-log subjects grouped by person from (person_id, area_id, record id): one entry per
    person with the records written for them (the record's id when there is only one), so a
    batch logs each person once (and a file listing a person's rows together, about once)."""
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
