"""status: `personnummer;date;status_code` (SPEC §6), the AIS-style file of AF status entries.

Natural key: person and date (the status timeline holds one entry per person and day,
`status_one_per_person_day`); the same code again is already there, another code that day is a
conflict. Built for volume: every lookup is a dict filled by one query."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import StatusCode, StatusEntry

from ..base import Importer, Planned, subjects_per_person
from ..cells import parse_date


class StatusImport(Importer):
    kind = "status"
    columns = ("personnummer", "date", "status_code")
    key_label = gettext_lazy("personnummer och datum")
    object_type = "statusentry"

    def prepare(self):
        self.codes = {c.code: c for c in StatusCode.objects.all()}
        self.active_codes = ", ".join(sorted(c for c, obj in self.codes.items() if obj.is_active))

    def load(self, rows):
        self.load_persons(rows)
        person_ids = [p["id"] for p in self.persons.values()]
        self.stored = {
            (person_id, day): code_id
            for person_id, day, code_id in StatusEntry.objects.filter(
                person_id__in=person_ids
            ).values_list("person_id", "date", "code_id")
        }

    def _code(self, problems, text):
        if not text:
            problems.add("status_code", _("Statuskod saknas."))
            return None
        code = self.codes.get(text)
        if code is None:
            problems.add(
                "status_code",
                _("Okänd statuskod '%(c)s'. Koderna som används: %(codes)s.")
                % {"c": text[:40], "codes": self.active_codes},
            )
            return None
        if not code.is_active:
            # As status_entry_save: a retired code is not used for new entries.
            problems.add("status_code", _("Statuskoden %(c)s används inte längre.") % {"c": text})
            return None
        return code

    def check_row(self, row, problems):
        cells = row.cells
        person = self.person_of(row, problems)
        day = problems.cell("date", parse_date, cells["date"], required=True, not_after=self.today)
        code = self._code(problems, cells["status_code"])
        if problems:
            return None
        planned = Planned(
            line=row.line,
            key=(person["id"], day),
            person_id=person["id"],
            area_id=person["area_id"],
            values={"date": day, "code_id": code.pk},
        )
        stored = self.stored.get((person["id"], day))
        if stored is not None:
            if stored != code.pk:
                self.conflict(problems, _("Personens status detta datum"), ["status_code"])
                return None
            planned.existing = True
        return planned

    def write(self, new):
        written = insert_status_entries(
            [(p.person_id, p.values["date"], p.values["code_id"]) for p in new],
            user=self.actor.user,
            change_reason=self.change_reason,
        )
        area_of = {planned.person_id: planned.area_id for planned in new}
        return subjects_per_person(
            ((person_id, area_of[person_id], pk) for pk, person_id in written),
            object_type=self.object_type,
            describe=lambda n: self.purpose(
                "1 ny statuspost" if n == 1 else f"{n} nya statusposter"
            ),
        )


def _sql_array(values) -> str:
    """A PostgreSQL array literal of ints or ISO dates (never text from the file)."""
    return "{" + ",".join(str(v) for v in values) + "}"


def insert_status_entries(rows, *, user, change_reason: str) -> list[tuple[int, int]]:
    """Insert (person_id, date, code_id) rows and their change history in one statement;
    returns (entry id, person id) pairs.

    The status file is the one that comes in hundreds of thousands of rows, and building that
    many model instances twice (entry and history) costs far more than the database work: so
    the entries go in as three arrays unnested by PostgreSQL, and the history rows (as
    simple_history's bulk_history_create would write them: type '+', the importer as user) are
    copied from the inserted rows in the same statement. The columns are listed from the models,
    and a column this function does not know fails loudly (imports/tests)."""
    entry_model = StatusEntry
    history_model = StatusEntry.history.model
    now = timezone.now()
    entry_values = {
        "person_id": "t.person_id",
        "date": "t.date",
        "code_id": "t.code_id",
        "note": "''",
        "created_by_id": "%(user)s",
        "created_at": "%(now)s",
        "updated_at": "%(now)s",
    }
    entry_columns = [f.column for f in entry_model._meta.concrete_fields if not f.primary_key]
    history_values = {
        "history_date": "%(now)s",
        "history_change_reason": "%(reason)s",
        "history_type": "'+'",
        "history_user_id": "%(user)s",
    }
    history_columns = [
        f.column for f in history_model._meta.concrete_fields if f.column != "history_id"
    ]
    copied = {"id", *entry_columns}
    entry_table = connection.ops.quote_name(entry_model._meta.db_table)
    history_table = connection.ops.quote_name(history_model._meta.db_table)
    sql = f"""
        WITH t AS (
            SELECT * FROM unnest(
                %(persons)s::bigint[], %(dates)s::date[], %(codes)s::bigint[]
            ) AS t(person_id, date, code_id)
        ), new AS (
            INSERT INTO {entry_table} ({", ".join(entry_columns)})
            SELECT {", ".join(entry_values[c] for c in entry_columns)} FROM t
            RETURNING *
        ), logged AS (
            INSERT INTO {history_table} ({", ".join(history_columns)})
            SELECT {", ".join(c if c in copied else history_values[c] for c in history_columns)}
            FROM new
        )
        SELECT id, person_id FROM new ORDER BY id
    """  # noqa: S608 - table and column names come from the models, values are parameters
    params = {
        "persons": _sql_array(person_id for person_id, _day, _code in rows),
        "dates": _sql_array(day.isoformat() for _person, day, _code in rows),
        "codes": _sql_array(code_id for _person, _day, code_id in rows),
        "user": user.pk if user is not None else None,
        "now": now,
        "reason": change_reason,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
