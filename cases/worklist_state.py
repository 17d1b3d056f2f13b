"""Each case's worklist summary stored for the day (cases.CaseWorklistState): the nearest
deadline, whether a flag is overdue and which flags apply, as FK's facts are shown to the reader
and as they are hidden. The worklist reads it instead of evaluating every open case of an area
(cases.worklist_query); a case without a summary of today under the declarations' key is
evaluated there as before, so the stored summary saves time and never decides the list.

It is a second place for the rules' results, never a second place for the rules: the summary is
the same SQL the list evaluates (cases.flag_summary.flag_summary over the declarations of
cases.flag_rules), written here for a day. What keeps it equal to the declarations:

- the services that change what the flags read call `cases_changed` or `persons_changed`
  within their own transaction (the case, its interventions, meetings, plan, joint mappings and
  suggestions marked not relevant; imports too), and a change of the rule sets drops every
  summary (`forget_all`);
- the passing of time: a summary is of one day; the nightly pass (cases.tasks.
  worklist_summaries_refresh, a beat entry) writes the new day's for every case the worklist
  can show, and until it has, the list evaluates;
- a change of the declarations changes the key (cases.worklist_facts.rules_key): summaries
  made by other rules are not read.

Tests: cases/tests/test_worklist_state.py (after each kind of change, through the services and
the imports, the stored summary equals a fresh evaluation), cases/tests/test_worklist_sql.py
(the list read from stored summaries equals the list built in Python)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from .flag_summary import flag_summary
from .flag_terms import SqlTerms, sql_literal
from .models import CLOSING_DOC_DUE, Case, CaseWorklistState, FlagDismissal, Phase, RuleSet
from .worklist_facts import facts_of, rules_key

# The columns of a summary, per reading: shown (FK's facts shown to the reader) and hidden.
READINGS = ("shown", "hidden")


class _Reading(SqlTerms):
    """The terms with FK's facts shown (or hidden) whoever reads: the two readings stored."""

    def __init__(self, *, shown: bool, **kwargs):
        super().__init__(**kwargs)
        self._shown = shown

    def fk_visible(self):
        return sql_literal(self._shown)


def _summaries_sql(cases: QuerySet, today: dt.date) -> tuple[str, list]:
    """SQL and params: one row per case of `cases`, its summary of `today` in the columns of
    CaseWorklistState."""
    base, params = facts_of(cases, today=today, agency_code=None)
    columns = ["c.id", sql_literal(today), sql_literal(rules_key())]
    for reading in READINGS:
        terms = _Reading(
            shown=reading == "shown",
            today=today,
            case="c",
            rules="r",
            dismissals=FlagDismissal._meta.db_table,
        )
        summary = flag_summary(terms)
        codes = ", ".join(
            f"CASE WHEN {applies} THEN {sql_literal(code)} END"
            for code, applies in summary["applies"].items()
        )
        columns += [
            summary["nearest"],
            summary["overdue"],
            f"ARRAY_REMOVE(ARRAY[{codes}]::varchar[], NULL)",
        ]
    sql = (
        f"SELECT {', '.join(columns)} FROM (SELECT * FROM ({base}) b OFFSET 0) c "  # noqa: S608
        f"LEFT JOIN {RuleSet._meta.db_table} r ON r.id = c.rule_set_pk"
    )
    return sql, params


_COLUMNS = [
    "case_id",
    "day",
    "rules_key",
    *[f"{name}_{reading}" for reading in READINGS for name in ("nearest", "overdue", "flags")],
]


def summaries(cases: QuerySet, *, today: dt.date | None = None) -> dict[int, dict]:
    """The summaries of `cases` for `today` as the declarations give them now (not stored)."""
    sql, params = _summaries_sql(cases, today or timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: dict(zip(_COLUMNS[1:], row[1:], strict=True)) for row in cursor}


def refresh(cases: QuerySet, *, today: dt.date | None = None, older_only: bool = False) -> int:
    """Store the summaries of `cases` for `today` (replacing what was stored; `older_only`:
    only where none of `today` is): one statement, the same result however often it runs.
    Returns the number written."""
    table = CaseWorklistState._meta.db_table
    sql, params = _summaries_sql(cases, today or timezone.localdate())
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in _COLUMNS[1:])
    if older_only:
        updates += f" WHERE {table}.day <> EXCLUDED.day OR {table}.rules_key <> EXCLUDED.rules_key"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(_COLUMNS)}) "  # noqa: S608
            f"{sql} ON CONFLICT (case_id) DO UPDATE SET {updates}",
            params,
        )
        return cursor.rowcount


def _changed(cases: QuerySet) -> None:
    """Today's summaries of `cases`, anew, once the cases are locked: two transactions changing
    one case one after the other then write its summary in the same order, the second seeing
    the first's change (each statement reads what is committed when it begins)."""
    locked = list(cases.select_for_update().order_by("pk").values_list("pk", flat=True))
    if locked:
        refresh(Case.objects.filter(pk__in=locked))


def cases_changed(case_ids: Iterable[int | None]) -> None:
    """What the flags of these cases read has changed: their summaries of today, anew. Called
    by the services in their transaction, after the change."""
    ids = sorted({pk for pk in case_ids if pk is not None})
    if ids:
        _changed(Case.objects.filter(pk__in=ids))


def persons_changed(person_ids: Iterable[int | None]) -> None:
    """As `cases_changed`, for every case of these persons (the flags read the person's
    kontaktmöten and joint mappings)."""
    ids = sorted({pk for pk in person_ids if pk is not None})
    if ids:
        _changed(Case.objects.filter(person_id__in=ids))


def forget_all() -> None:
    """Drop every summary (the rule sets changed): the list evaluates until the next pass."""
    CaseWorklistState.objects.all().delete()


def listable_cases() -> QuerySet:
    """The cases the worklist can show: open, or ended and owing their closing documentation
    (cases.views.worklist shows those of the last weeks)."""
    return Case.objects.filter(~Q(phase=Phase.CLOSED) | CLOSING_DOC_DUE)


def refresh_all(*, today: dt.date | None = None, repair: bool = True) -> dict[str, int]:
    """Today's summary of every case the worklist can show, and no summary kept of another day.
    Idempotent. The repair (`manage.py worklist_summaries`) writes every one anew; the nightly
    pass (`repair=False`) leaves those a service already wrote today: a change committed while
    the pass runs is newer than what the pass read."""
    today = today or timezone.localdate()
    written = refresh(listable_cases(), today=today, older_only=not repair)
    dropped, _by_model = CaseWorklistState.objects.exclude(day=today).delete()
    return {"written": written, "dropped": dropped}
