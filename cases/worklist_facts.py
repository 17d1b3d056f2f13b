"""The SQL the worklist is read with, below the list itself (cases.worklist_query): each case's
columns and the facts its flags read (`facts_sql`, `facts_of`), what the list reads of a case whose
summary is stored for the day (`light`, `fresh`, cases.worklist_state), and the fingerprint of
the declarations a stored summary was made by (`rules_key`). Each is built through the ORM once
per process and day and kept: building it costs more than the database's answer."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import EmptyResultSet
from django.db.models import BooleanField, ExpressionWrapper, F, QuerySet
from django.utils import timezone

from .deadlines import with_intervention_facts, with_rule_set
from .flag_rules import FLAG_CODES
from .flag_summary import flag_summary
from .flag_terms import SqlTerms, sql_literal
from .flags import case_fact_annotations, case_fact_names
from .kept_sql import CASES_SLOT, Frame
from .models import CLOSING_DOC_DUE, Case, CaseWorklistState
from .secrecy import fk_facts_visible, shares_on

# The case's own columns the rules read (cases.flag_rules) and the list sorts by.
CASE_COLUMNS = (
    "id",
    "phase",
    "referral_date",
    "start_date",
    "end_date",
    "benefit",
    "benefit_end_date",
    "sick_leave_start",
    "return_unlikely_before_181",
    "target_group",
)


# The facts read beside each case, by the flags of the rows shown too (cases.selectors.
# worklist_rows_of): the case's interventions, the layer above's, and whether sharing is covered.
def fact_names() -> list[str]:
    return ["intervention_current", "last_intervention_end", *case_fact_names()]


def facts_sql(*, today: dt.date, agency_code: str | None) -> tuple[str, tuple]:
    """SQL and params: one row per case, its columns, its facts, its rule set, whether sharing
    is covered today and the reader's view of FK's facts, named as cases.flag_rules.SqlTerms
    reads them. The same for every request of a day and reader's agency, so made once per
    process and day: building it is the larger part of the page's own work in Python."""
    key = (today, agency_code, timezone.get_current_timezone_name())
    found = _FACTS_SQL.get(key)
    if found is None:
        annotated = with_rule_set(with_intervention_facts(Case.objects.all(), today=today))
        annotated = annotated.annotate(
            **case_fact_annotations(),
            shares_today=shares_on(today, "person_id"),
            fk_visible=fk_facts_visible(agency_code=agency_code, day=today),
            closing_doc_pending=ExpressionWrapper(CLOSING_DOC_DUE, output_field=BooleanField()),
            person_last_name=F("person__last_name"),
            person_first_name=F("person__first_name"),
        )
        names = [
            *CASE_COLUMNS,
            *fact_names(),
            "shares_today",
            "fk_visible",
            "closing_doc_pending",
            "rule_set_pk",
            "person_last_name",
            "person_first_name",
        ]
        sql, params = annotated.order_by().values(*names).query.sql_with_params()
        if len(_FACTS_SQL) > 32:  # yesterday's
            _FACTS_SQL.clear()
        found = _FACTS_SQL[key] = (sql, tuple(params))
    return found


_FACTS_SQL: dict[tuple, tuple[str, tuple]] = {}


def base_frame(
    *, today: dt.date, agency_code: str | None, unstored: bool = False
) -> tuple[str, tuple]:
    """`facts_of` with `CASES_SLOT` in the place of the cases' SQL, and its params before it."""
    facts, facts_params = facts_sql(today=today, agency_code=agency_code)
    sql = f"SELECT f.* FROM ({facts}) f WHERE f.id IN ({CASES_SLOT})"  # noqa: S608
    if unstored:
        table = CaseWorklistState._meta.db_table
        sql += (
            f" AND NOT EXISTS (SELECT 1 FROM {table} s WHERE s.case_id = f.id "  # noqa: S608
            f"AND {fresh(today)})"
        )
    return sql, facts_params


def facts_of(
    cases: QuerySet, *, today: dt.date, agency_code: str | None, unstored: bool = False
) -> tuple[str, list]:
    """SQL and params: `facts_sql` of the cases of the query `cases` (`unstored`: of those only
    without a stored summary of `today`, cases.worklist_state)."""
    frame = Frame.of(*base_frame(today=today, agency_code=agency_code, unstored=unstored))
    return frame.fill(cases_sql(cases))


def cases_sql(cases: QuerySet) -> tuple[str, tuple]:
    """SQL and params: the ids of the cases of the query `cases` (none: a reader with case
    access and no area yet)."""
    try:
        sql, params = cases.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return "SELECT NULL::integer WHERE FALSE", ()
    return sql, tuple(params)


def fresh(today: dt.date) -> str:
    """SQL: the stored summary `s` is of `today` and made by the declarations as they are
    (cases.worklist_state)."""
    return f"s.day = {sql_literal(today)} AND s.rules_key = {sql_literal(rules_key())}"


def light(*, today: dt.date, agency_code: str | None) -> tuple[str, tuple]:
    """SQL and params: what the list reads of a case whose summary is stored: its own columns,
    the person's name and the reader's view of FK's facts. Made once per process and day."""
    key = (today, agency_code, "light")
    found = _FACTS_SQL.get(key)
    if found is None:
        query = Case.objects.annotate(
            fk_visible=fk_facts_visible(agency_code=agency_code, day=today),
            person_last_name=F("person__last_name"),
            person_first_name=F("person__first_name"),
        )
        names = [
            "id",
            "phase",
            "target_group",
            "start_date",
            "end_date",
            "fk_visible",
            "person_last_name",
            "person_first_name",
        ]
        sql, params = query.order_by().values(*names).query.sql_with_params()
        found = _FACTS_SQL[key] = (sql, tuple(params))
    return found


def rules_key() -> str:
    """A short fingerprint of the summary's SQL as the declarations give it (`flag_summary` over
    `facts_sql`): a summary stored under another key was made by other rules and is not read."""
    global _RULES_KEY
    if _RULES_KEY is None:
        day = dt.date(2000, 1, 1)
        terms = SqlTerms(today=day, case="c", rules="r", dismissals="d")
        facts, params = facts_sql(today=day, agency_code=None)
        text = repr((flag_summary(terms), facts, params, FLAG_CODES))
        _RULES_KEY = hashlib.sha256(text.encode()).hexdigest()[:16]
    return _RULES_KEY


_RULES_KEY: str | None = None


def listing_columns() -> str:
    """What the list reads of each case: all but whether sharing is covered (the rows shown
    need it; the rules read the reader's view of FK's facts, `fk_visible`)."""
    names = [*CASE_COLUMNS, *fact_names(), "fk_visible", "closing_doc_pending", "rule_set_pk"]
    return ", ".join(f'b."{name}"' for name in [*names, "person_last_name", "person_first_name"])
