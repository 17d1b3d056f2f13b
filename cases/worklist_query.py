"""The worklist sorted, filtered, counted and paged in the database, so that a page costs the
same for an area of three hundred open cases as for one of thirty: the flags of every case are
evaluated in SQL from their declarations (cases.flag_rules), only as far as the list needs them
(which flags a case has, whether one is overdue, the nearest deadline), and the flags in full
are built in Python for the rows shown (cases.selectors.worklist_rows).

`WorklistRows` is what the view pages with Django's Paginator: `count()` is the number of rows
(and `overdue_count` those overdue, read in the same query), a slice is one page of rows. What
the list needs of a case's flags (`flag_summary`) is read from the case's summary stored for
today (cases.worklist_state) where there is one made by the declarations as they are (the key
`rules_key`, cases.worklist_facts), and evaluated in SQL case by case for the others, a few
hundredths of a millisecond each. When every case has its summary (a normal day: the nightly
pass writes them, the services keep them) the list is one query that reads them; when one has
none, a second query reads the stored and evaluates the rest. What the page builds in Python,
and the queries it asks, are the same for any number of cases."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Hashable

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone, translation

from accounts.scoping import scope_for

from .flag_rules import FLAG_RULES
from .flag_summary import listed, listed_columns, sort_columns
from .flag_terms import SqlTerms, sql_literal
from .kept_sql import CASES_SLOT, Frame, Loaded, kept
from .models import Case, CaseWorklistState, FlagDismissal, Person, RuleSet
from .worklist_facts import (
    base_frame,
    cases_sql,
    fact_names,
    fresh,
    light,
    listing_columns,
)
from .worklist_forms import WORKLIST_SORTS

# The SQL of the cases each view shows, per key of everything its query is built from (the
# view's `cases_key`).
_CASES_SQL: dict[Hashable, tuple[str, tuple]] = {}
# The SQL around them: the list's per day, reader's agency, time zone and language, sort and
# filters; the page's per day, agency and time zone.
_FRAMES: dict[tuple, Frame] = {}


def _listing_frame(
    *,
    today: dt.date,
    agency_code: str | None,
    sort: str,
    flag: str | None,
    overdue: bool,
    stored_only: bool = False,
) -> Frame:
    """WorklistRows' list (the ids of every case kept by the filters, in the list's order, and
    how many of them are overdue) around the cases' SQL. A case whose summary is stored for
    today (cases.worklist_state) is read from it; the others are evaluated from the
    declarations.

    `stored_only`: the list as the stored summaries give it, and a third column saying whether
    any case has none (then the list is not whole, and the full one is asked). The declarations
    are neither planned nor run in it: after the nightly pass, and with the services keeping
    the summaries of the cases they change, that is the list of a normal day."""
    light_sql, light_params = light(today=today, agency_code=agency_code)
    terms = SqlTerms(today=today, case="c", rules="r", dismissals=FlagDismissal._meta.db_table)

    def reading(shown: str, hidden: str) -> str:
        return f"(CASE WHEN c.fk_visible THEN s.{shown} ELSE s.{hidden} END)"

    has_flag = (
        f"({sql_literal(flag)} = ANY{reading('flags_shown', 'flags_hidden')})" if flag else "TRUE"
    )
    stored = listed_columns(
        terms,
        nearest=reading("nearest_shown", "nearest_hidden"),
        overdue=reading("overdue_shown", "overdue_hidden"),
        has_flag=has_flag,
    )
    where = "x.has_flag" + (" AND x.overdue" if overdue else "")
    direction = "DESC" if sort.startswith("-") else "ASC"
    order = ", ".join(f"{key} {direction}" for key in sort_columns()[sort.lstrip("-")])
    if stored_only:
        kept_rows = f"NOT x.missing AND {where}"
        sql = (
            f"SELECT array_agg(x.id ORDER BY {order}, x.id ASC) FILTER (WHERE {kept_rows}), "  # noqa: S608
            f"count(*) FILTER (WHERE {kept_rows} AND x.overdue), coalesce(bool_or(x.missing), "
            f"FALSE) FROM (SELECT {stored}, s.case_id IS NULL AS missing FROM "
            # OFFSET 0: the reader's view of FK's facts found once per case, not once per reading
            f"(SELECT * FROM ({light_sql}) l WHERE l.id IN ({CASES_SLOT}) OFFSET 0) c "
            f"LEFT JOIN LATERAL ({_summary_of_case(today)}) s ON TRUE) x"
        )
        return Frame.of(sql, light_params)
    live, live_params = base_frame(today=today, agency_code=agency_code, unstored=True)
    sql = (
        f"SELECT array_agg(x.id ORDER BY {order}, x.id ASC), "  # noqa: S608
        f"count(*) FILTER (WHERE x.overdue), FALSE FROM ("
        # the cases whose summary is stored for today: read
        f"SELECT {stored} FROM ({light_sql}) c "
        f"JOIN LATERAL ({_summary_of_case(today)}) s ON TRUE WHERE c.id IN ({CASES_SLOT}) "
        # the others: evaluated; OFFSET 0, each case's facts read once, not once per
        # flag that reads them
        f"UNION ALL SELECT {listed(terms, flag)} FROM (SELECT {listing_columns()} "
        f"FROM ({live}) b OFFSET 0) c "
        f"LEFT JOIN {RuleSet._meta.db_table} r ON r.id = c.rule_set_pk) x WHERE {where}"
    )
    return Frame.of(sql, light_params, live_params)


def _summary_of_case(today: dt.date) -> str:
    """SQL: the summary of the case `c` stored for `today`, looked up by the case (its key) one
    case at a time. A join of the table would be planned from its statistics, which between
    the nightly pass and the next ANALYZE still hold yesterday's day: PostgreSQL then expected
    no summary of today and compared every case with every summary (90 ms for 337 cases)."""
    table = CaseWorklistState._meta.db_table
    return f"SELECT * FROM {table} s WHERE s.case_id = c.id AND {fresh(today)} LIMIT 1"  # noqa: S608


def _page_frame(*, today: dt.date, agency_code: str | None) -> Frame:
    """The cases of one page (the ids: the last param) with their people, the facts their flags
    read (as the list's) and the suggestions marked not relevant, around the cases' SQL."""
    base, params = base_frame(today=today, agency_code=agency_code)
    case, person = _page_models()
    facts = ", ".join(f'b."{name}"' for name in [*fact_names(), "shares_today"])
    sql = (
        f"SELECT {case.columns}, {person.columns}, {facts}, "  # noqa: S608
        f"ARRAY(SELECT d.code FROM {FlagDismissal._meta.db_table} d WHERE d.case_id = b.id) "
        f"FROM ({base}) b JOIN {Case._meta.db_table} c ON c.id = b.id "
        f"JOIN {Person._meta.db_table} p ON p.id = c.person_id WHERE b.id = ANY(%s)"
    )
    return Frame.of(sql, params)


@functools.cache
def _page_models() -> tuple[Loaded, Loaded]:
    """What the page reads of each case beside its facts: the case's and its person's own."""
    return Loaded(Case, "c"), Loaded(Person, "p")


class WorklistRows:
    """The rows of the worklist, for Paginator: `cases` (a query of the cases the view shows, or
    a function making it) with `flag` (a flag code, or None) and `overdue` applied, ordered by
    `sort` (a key of cases.worklist_forms.WORKLIST_SORTS, "-" before it descending; equal rows
    by case id).

    Two queries whatever the number of cases (three when a case has no summary stored for the
    day): the ids in order with the number overdue, and the cases of the page with their people
    and facts; then the flags in full for those (cases.selectors.worklist_rows_of).

    The SQL is kept per process. Around the cases' SQL it is a function of the day, the time
    zone, the reader's agency and language (the sort by target group follows the labels as
    shown), the sort and the filters only: the declarations read the rule sets and the
    suggestions marked not relevant by a join and a subquery, never as values put into the
    text, so an edited rule set shows on the next page. The cases' SQL is kept under
    `cases_key`, which the caller gives: a key of everything the query `cases` is built from
    (cases.views.worklist: the reader, their scope and team, the day and the view's filters);
    None keeps nothing."""

    def __init__(
        self,
        *,
        user,
        cases: QuerySet | Callable[[], QuerySet],
        today: dt.date,
        sort: str,
        flag: str | None = None,
        overdue: bool = False,
        cases_key: Hashable | None = None,
    ):
        if sort.lstrip("-") not in WORKLIST_SORTS:
            raise ValueError(sort)
        if flag and flag not in {rule.code for rule in FLAG_RULES}:
            raise ValueError(flag)
        self.user, self.cases, self.today = user, cases, today
        self.sort, self.flag, self.overdue = sort, flag, overdue
        self.cases_key = cases_key
        self._cases: tuple[str, tuple] | None = None
        self._listing: tuple[list[int], int] | None = None

    def _cases_sql(self) -> tuple[str, tuple]:
        if self._cases is None:

            def build():
                # a function making the query: built only when its SQL is not kept
                return cases_sql(self.cases() if callable(self.cases) else self.cases)

            if self.cases_key is None:
                self._cases = build()
            else:
                self._cases = kept(_CASES_SQL, self.cases_key, build, most=4096)
        return self._cases

    def _frame(self, build, **inputs) -> Frame:
        """The frame `build(today, agency_code, **inputs)`, kept under everything it is built
        from: those, the time zone and the language (labels sorted as shown)."""
        agency_code = scope_for(self.user).agency_code
        key = (
            build.__name__,
            self.today,
            agency_code,
            timezone.get_current_timezone_name(),
            translation.get_language(),
            *sorted(inputs.items()),
        )
        return kept(
            _FRAMES,
            key,
            lambda: build(today=self.today, agency_code=agency_code, **inputs),
            most=256,
        )

    def _read_listing(self) -> tuple[list[int], int]:
        """The ids of every case kept by the filters, in the list's order, and how many of them
        are overdue: one query from the stored summaries (`_listing_frame`, `stored_only`), and
        the full one after it when a case has none."""
        if self._listing is None:
            for stored_only in (True, False):
                frame = self._frame(
                    _listing_frame,
                    sort=self.sort,
                    flag=self.flag,
                    overdue=self.overdue,
                    stored_only=stored_only,
                )
                sql, params = frame.fill(self._cases_sql())
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    ids, overdue, missing = cursor.fetchone()
                if not missing:
                    break
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

    def _page_cases(self, ids: list[int]) -> list[Case]:
        """The cases `ids` with their people, their facts (`shares_today` too) and the codes of
        their suggestions marked not relevant (`dismissed_codes`), from the same SQL as the
        list's: one query (`_page_frame`)."""
        sql, params = self._frame(_page_frame).fill(self._cases_sql(), ids)
        case, person = _page_models()
        names = [*fact_names(), "shares_today", "dismissed_codes"]
        found = []
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for row in cursor.fetchall():
                loaded = case.load(row[: case.width])
                loaded.person = person.load(row[case.width : case.width + person.width])
                for name, value in zip(names, row[case.width + person.width :], strict=True):
                    setattr(loaded, name, value)
                found.append(loaded)
        return found

    def __getitem__(self, index: slice) -> list[dict]:
        from .selectors import worklist_rows_of

        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("WorklistRows is read a page at a time")
        ids = self._read_listing()[0][index]
        if not ids:
            return []
        cases = self._page_cases(ids)
        position = {pk: i for i, pk in enumerate(ids)}
        rows = worklist_rows_of(user=self.user, cases=cases, today=self.today)
        return sorted(rows, key=lambda row: position[row["case"].pk])
