"""The worklist sorted, filtered, counted and paged in the database, so that a page costs the
same for an area of three hundred open cases as for one of thirty: the flags of every case are
evaluated in SQL from their declarations (cases.flag_rules), only as far as the list needs them
(which flags a case has, whether one is overdue, the nearest deadline), and the flags in full
are built in Python for the rows shown (cases.selectors.worklist_rows).

`WorklistRows` is what the view pages with Django's Paginator: `count()` is the number of rows
(and `overdue_count` those overdue, read in the same query), a slice is one page of rows.

What the list needs of a case's flags (`flag_summary`) is read from the case's summary stored for
today (cases.worklist_state) where there is one made by the declarations as they are (the key
`rules_key`), and evaluated in SQL case by case for the others, a few hundredths of a millisecond
each, in the same query; what the page builds in Python, and the queries it asks, are the same
for any number of cases."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, QuerySet
from django.utils import timezone

from accounts.scoping import scope_for

from .deadlines import with_intervention_facts, with_rule_set
from .flag_rules import DUE, FLAG_CODES, FLAG_RULES, OVERDUE, days_in_samverkan
from .flag_terms import SqlTerms, sql_literal
from .flags import case_fact_annotations
from .models import (
    CLOSING_DOC_DUE,
    TARGET_GROUP_SHORT,
    Case,
    CaseWorklistState,
    FlagDismissal,
    Phase,
    RuleSet,
)
from .secrecy import fk_facts_visible, shares_on
from .worklist_forms import WORKLIST_SORTS

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
def _fact_names() -> list[str]:
    return ["intervention_current", "last_intervention_end", *case_fact_annotations()]


def _facts(*, today: dt.date, agency_code: str | None) -> tuple[str, tuple]:
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
            *_fact_names(),
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


def _base(
    cases: QuerySet, *, today: dt.date, agency_code: str | None, unstored: bool = False
) -> tuple[str, list]:
    """SQL and params: `_facts` of the cases of the query `cases` (`unstored`: of those only
    without a stored summary of `today`, cases.worklist_state)."""
    facts, facts_params = _facts(today=today, agency_code=agency_code)
    scoped, scoped_params = cases.order_by().values("pk").query.sql_with_params()
    sql = f"SELECT f.* FROM ({facts}) f WHERE f.id IN ({scoped})"  # noqa: S608
    if unstored:
        table = CaseWorklistState._meta.db_table
        sql += (
            f" AND NOT EXISTS (SELECT 1 FROM {table} s WHERE s.case_id = f.id "  # noqa: S608
            f"AND {_fresh(today)})"
        )
    return sql, [*facts_params, *scoped_params]


def _fresh(today: dt.date) -> str:
    """SQL: the stored summary `s` is of `today` and made by the declarations as they are
    (cases.worklist_state)."""
    return f"s.day = {sql_literal(today)} AND s.rules_key = {sql_literal(rules_key())}"


def _light(*, today: dt.date, agency_code: str | None) -> tuple[str, tuple]:
    """SQL and params: what the list reads of a case whose summary is stored: its own columns,
    the person's name and the reader's view of FK's facts. Made once per process and day."""
    key = (today, agency_code, "light")
    found = _FACTS_SQL.get(key)
    if found is None:
        light = Case.objects.annotate(
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
        sql, params = light.order_by().values(*names).query.sql_with_params()
        found = _FACTS_SQL[key] = (sql, tuple(params))
    return found


def rules_key() -> str:
    """A short fingerprint of the summary's SQL as the declarations give it (`flag_summary` over
    `_facts`): a summary stored under another key was made by other rules and is not read."""
    global _RULES_KEY
    if _RULES_KEY is None:
        day = dt.date(2000, 1, 1)
        terms = SqlTerms(today=day, case="c", rules="r", dismissals="d")
        facts, params = _facts(today=day, agency_code=None)
        text = repr((flag_summary(terms), facts, params, FLAG_CODES))
        _RULES_KEY = hashlib.sha256(text.encode()).hexdigest()[:16]
    return _RULES_KEY


_RULES_KEY: str | None = None


def _sort_columns() -> dict[str, list[str]]:
    """Per sort of the worklist, what it orders by (over the columns of `_listed`)."""
    phases = " ".join(f"WHEN {sql_literal(p.value)} THEN {i}" for i, p in enumerate(Phase))
    # The target groups by their short label in the reader's language, as shown.
    labels = {value: str(label) for value, label in TARGET_GROUP_SHORT.items()}
    ranks = {label: rank for rank, label in enumerate(sorted({*labels.values(), "~"}))}
    groups = " ".join(
        f"WHEN {sql_literal(str(value))} THEN {ranks[label]}" for value, label in labels.items()
    )
    return {
        "deadline": ["(x.nearest IS NULL)", "x.nearest"],
        "name": ['LOWER(x.person_last_name) COLLATE "C"', 'LOWER(x.person_first_name) COLLATE "C"'],
        "phase": [f"(CASE x.phase {phases} ELSE 99 END)"],
        "days": ["(x.days IS NULL)", "x.days"],
        "target_group": [f"(CASE x.target_group {groups} ELSE {ranks['~']} END)"],
    }


def flag_summary(terms: SqlTerms) -> dict:
    """What the list reads of a case's flags, as SQL in `terms`, from their declarations
    (cases.flag_rules): `applies`, per flag code, whether it applies; `nearest`, the nearest
    date a flag is due by; `overdue`, whether a flag is overdue. The list evaluates it as it is
    asked for and cases.worklist_state stores it for a day: one evaluation for both."""
    applies = {rule.code: rule.applies(terms) for rule in FLAG_RULES}
    dates = [
        f"(CASE WHEN {applies[rule.code]} THEN {rule.date(terms)} END)::date"
        for rule in FLAG_RULES
        if rule.date_kind == DUE
    ]
    overdue = " OR ".join(
        f"({applies[rule.code]} AND {rule.level(terms, rule.date(terms))} = {sql_literal(OVERDUE)})"
        for rule in FLAG_RULES
    )
    return {
        "applies": applies,
        "nearest": f"LEAST({', '.join(dates)})",
        "overdue": f"COALESCE(({overdue}), FALSE)",
    }


def _listed(terms: SqlTerms, flag: str | None) -> str:
    """The columns the list reads of each case, over the row `c` and its rule set `r`."""
    summary = flag_summary(terms)
    columns = [
        "c.id",
        "c.phase",
        "c.target_group",
        "c.person_last_name",
        "c.person_first_name",
        f"{days_in_samverkan(terms)} AS days",
        f"{summary['nearest']} AS nearest",
        f"{summary['overdue']} AS overdue",
        f"{summary['applies'][flag] if flag else 'TRUE'} AS has_flag",
    ]
    return ", ".join(columns)


def _listing_columns() -> str:
    """What the list reads of each case: all but whether sharing is covered (the rows shown
    need it; the rules read the reader's view of FK's facts, `fk_visible`)."""
    names = [*CASE_COLUMNS, *_fact_names(), "fk_visible", "closing_doc_pending", "rule_set_pk"]
    return ", ".join(f'b."{name}"' for name in [*names, "person_last_name", "person_first_name"])


class WorklistRows:
    """The rows of the worklist, for Paginator: `cases` (a query of the cases the view shows)
    with `flag` (a flag code, or None) and `overdue` applied, ordered by `sort` (a key of
    cases.worklist_forms.WORKLIST_SORTS, "-" before it descending; equal rows by case id).

    Three queries whatever the number of cases: the ids in order with the number overdue, the
    facts of the cases of the page, and the cases of the page with their people; then the
    flags in full for those (cases.selectors.worklist_rows_of)."""

    def __init__(
        self,
        *,
        user,
        cases: QuerySet,
        today: dt.date,
        sort: str,
        flag: str | None = None,
        overdue: bool = False,
    ):
        if sort.lstrip("-") not in WORKLIST_SORTS:
            raise ValueError(sort)
        if flag and flag not in {rule.code for rule in FLAG_RULES}:
            raise ValueError(flag)
        self.user, self.cases, self.today = user, cases, today
        self.sort, self.flag, self.overdue = sort, flag, overdue
        self._base: tuple[str, list] | None = None
        self._listing: tuple[list[int], int] | None = None

    def _base_sql(self) -> tuple[str, list]:
        if self._base is None:
            sql, params = _base(
                self.cases, today=self.today, agency_code=scope_for(self.user).agency_code
            )
            self._base = (sql, list(params))
        return self._base

    def _read_listing(self) -> tuple[list[int], int]:
        """The ids of every case kept by the filters, in the list's order, and how many of them
        are overdue: one query. A case whose summary is stored for today (cases.worklist_state)
        is read from it; the others are evaluated from the declarations."""
        if self._listing is None:
            agency_code = scope_for(self.user).agency_code
            live, live_params = _base(
                self.cases, today=self.today, agency_code=agency_code, unstored=True
            )
            light, light_params = _light(today=self.today, agency_code=agency_code)
            scoped, scoped_params = self.cases.order_by().values("pk").query.sql_with_params()
            terms = SqlTerms(
                today=self.today, case="c", rules="r", dismissals=FlagDismissal._meta.db_table
            )

            def reading(shown: str, hidden: str) -> str:
                return f"(CASE WHEN c.fk_visible THEN s.{shown} ELSE s.{hidden} END)"

            has_flag = (
                f"({sql_literal(self.flag)} = ANY{reading('flags_shown', 'flags_hidden')})"
                if self.flag
                else "TRUE"
            )
            stored = ", ".join(
                [
                    "c.id",
                    "c.phase",
                    "c.target_group",
                    "c.person_last_name",
                    "c.person_first_name",
                    f"{days_in_samverkan(terms)} AS days",
                    f"{reading('nearest_shown', 'nearest_hidden')} AS nearest",
                    f"{reading('overdue_shown', 'overdue_hidden')} AS overdue",
                    f"{has_flag} AS has_flag",
                ]
            )
            where = "x.has_flag" + (" AND x.overdue" if self.overdue else "")
            direction = "DESC" if self.sort.startswith("-") else "ASC"
            order = [f"{key} {direction}" for key in _sort_columns()[self.sort.lstrip("-")]]
            sql = (
                f"SELECT array_agg(x.id ORDER BY {', '.join(order)}, x.id ASC), "  # noqa: S608
                f"count(*) FILTER (WHERE x.overdue) FROM ("
                # the cases whose summary is stored for today: read
                f"SELECT {stored} FROM ({light}) c "
                f"JOIN {CaseWorklistState._meta.db_table} s ON s.case_id = c.id "
                f"AND {_fresh(self.today)} WHERE c.id IN ({scoped}) "
                # the others: evaluated; OFFSET 0, each case's facts read once, not once per
                # flag that reads them
                f"UNION ALL SELECT {_listed(terms, self.flag)} FROM (SELECT {_listing_columns()} "
                f"FROM ({live}) b OFFSET 0) c "
                f"LEFT JOIN {RuleSet._meta.db_table} r ON r.id = c.rule_set_pk) x WHERE {where}"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [*light_params, *scoped_params, *live_params])
                ids, overdue = cursor.fetchone()
            self._listing = (ids or [], overdue)
        return self._listing

    def count(self) -> int:
        return len(self._read_listing()[0])

    @property
    def overdue_count(self) -> int:
        return self._read_listing()[1]

    def __len__(self) -> int:
        return self.count()

    def page_ids(self, offset: int, limit: int) -> list[int]:
        """The ids of the cases of one page, in the list's order."""
        return self._read_listing()[0][offset : offset + limit]

    def _page_facts(self, ids: list[int]) -> dict[int, dict]:
        """The facts of the cases `ids`, from the same SQL as the list's."""
        base, params = self._base_sql()
        names = [*_fact_names(), "shares_today"]
        columns = ", ".join(f'c."{name}"' for name in names)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT c.id, {columns} FROM ({base}) c WHERE c.id = ANY(%s)",  # noqa: S608
                [*params, ids],
            )
            return {row[0]: dict(zip(names, row[1:], strict=True)) for row in cursor.fetchall()}

    def __getitem__(self, index: slice) -> list[dict]:
        from .selectors import worklist_rows_of

        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("WorklistRows is read a page at a time")
        ids = self._read_listing()[0][index]
        if not ids:
            return []
        facts = self._page_facts(ids)
        cases = list(self.cases.filter(pk__in=ids).select_related(None).select_related("person"))
        for case in cases:
            for name, value in facts[case.pk].items():
                setattr(case, name, value)
        position = {pk: i for i, pk in enumerate(ids)}
        rows = worklist_rows_of(user=self.user, cases=cases, today=self.today)
        return sorted(rows, key=lambda row: position[row["case"].pk])
