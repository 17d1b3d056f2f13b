"""The k-anonymity check of a coarsened export (SPEC §6: roles without case access get no
row-level personal data; rows "coarsened and checked so that no combination of background
variables picks out fewer than 5 people").

The quasi-identifiers are the background variables a reader may know about someone: area, sex,
age band, born abroad, disability and education level (those of them the kind has), and whether
the participant is anonymous (SPEC §3; for an anonymous participant the background variables are
empty already). K is the dashboard's smallest shown count, `reporting.suppression.SMALL_CELL`.

The files of one export share the person's key, so they can be joined: what counts is what all
of them show about a person together. The check therefore grades people, not rows, once per
export, over every kind its files can hold with the export's areas and period
(`person_levels_sql`), and every file of the export shows each person at that one level
(`k_anonymous_sql`, through `exports.CoarsenedPerson`). A person's *signature* at a level is the
set of distinct (kind, shown quasi-identifiers) of all their rows; then, counting people:

- level 0: a person whose signature with every quasi-identifier is shared by at least K people
  is shown as they are;
- level 1: of the people left over, born abroad, disability and education level are hidden;
  those whose signature is then shared by at least K of the left-over people stay so;
- level 2: of those still left over, sex and age band are hidden as well; those whose signature
  (the kinds and areas they appear in) is shared by at least K of these people stay so;
- everyone else is withheld from every file.

People with the same signature show the same kinds and quasi-identifiers in every file, joined
or not, so each shown combination holds at least K people in any one file and in all of them
together. Set-based: one GROUP BY person and three window counts, one query."""

from __future__ import annotations

import re

from reporting.suppression.equations import SMALL_CELL

K = SMALL_CELL

AREA = ["area_code"]
DEMOGRAPHIC = ["sex", "age_band"]  # hidden at level 2
BACKGROUND = ["born_abroad", "disability", "education_level"]  # hidden from level 1
QUASI_IDENTIFIERS = [*AREA, *DEMOGRAPHIC, *BACKGROUND]
PERSON = "x_subject_person_id"
# The column names and kinds come from exports.columns and the queries, never from a request;
# checked all the same, since they are written into the SQL.
IDENTIFIER = re.compile(r"\A[a-z][a-z0-9_]*\Z")
# What each level still shows.
SHOWN_AT = {0: QUASI_IDENTIFIERS, 1: [*AREA, *DEMOGRAPHIC], 2: AREA}


def _checked(*names: str) -> None:
    if not all(IDENTIFIER.match(name) for name in names):
        raise ValueError("export column names must be plain identifiers")


def _shown(name: str, names: list[str]) -> str:
    if name not in names:
        return "NULL"
    # An anonymous participant's background variables are empty in the file (exports.columns),
    # so they are checked as shown.
    if name in BACKGROUND:
        return f"(CASE WHEN x_anonymous THEN NULL ELSE x_{name} END)"
    return f"x_{name}"


def _tuple(kind: str, names: list[str], level: int) -> str:
    """A row's quasi-identifiers as shown at `level`, as JSON text (NULL-safe, typed)."""
    values = ", ".join(_shown(name, names) for name in SHOWN_AT[level])
    return f"json_build_array('{kind}', {values}, x_anonymous)::text"


def _tuples(kind: str, names: list[str]) -> str:
    selects = [f"{_tuple(kind, names, level)} AS q{level}" for level in SHOWN_AT]
    # identifiers checked by person_levels_sql
    return f"SELECT {PERSON} AS person, {', '.join(selects)} FROM k_{kind}"  # noqa: S608


# Kinds read through the grading of the others and adding no tuple of their own: the
# registration points (exports.selectors.points) show of a person only what the person's case
# and mapping rows show (the area, sex and the age band on the case's registration day or the
# mapping's date), so grading them again would only split people who show the same.
UNGRADED = frozenset({"registrations"})


def _universe(kinds: dict[str, tuple[str, tuple, list[str]]]) -> tuple[str, tuple]:
    """The WITH clauses shared by the grading and the files: each kind's rows as `k_<kind>`, and
    every graded row's tuples at each level as `tuples` (person, q0, q1, q2)."""
    for kind, (_sql, _params, names) in kinds.items():
        _checked(kind, *names)
    withs = ",\n".join(f"k_{kind} AS ({sql})" for kind, (sql, _p, _n) in kinds.items())
    params = tuple(param for _sql, kind_params, _n in kinds.values() for param in kind_params)
    tuples = "\nUNION ALL\n".join(
        _tuples(kind, names) for kind, (_s, _p, names) in kinds.items() if kind not in UNGRADED
    )
    return f"{withs},\ntuples AS ({tuples})", params


def person_levels_sql(kinds: dict[str, tuple[str, tuple, list[str]]]) -> tuple[str, tuple]:
    """`SELECT person, level, signature` for every person of the export who is shown, from the
    queries of all its kinds `{kind: (sql, params, column names without x_)}`; the signature at
    the person's level (an array of their rows' shown tuples) is kept with the level."""
    universe, params = _universe(kinds)
    sql = f"""
        WITH {universe},
        people AS (
            SELECT person,
                ARRAY_AGG(DISTINCT q0 ORDER BY q0) AS s0,
                ARRAY_AGG(DISTINCT q1 ORDER BY q1) AS s1,
                ARRAY_AGG(DISTINCT q2 ORDER BY q2) AS s2
            FROM tuples GROUP BY person
        ),
        counted0 AS (SELECT people.*, COUNT(*) OVER (PARTITION BY s0) AS n0 FROM people),
        counted1 AS (
            SELECT counted0.*, COUNT(*) OVER (PARTITION BY s1, n0 >= {K}) AS n1 FROM counted0
        ),
        counted2 AS (
            SELECT counted1.*,
                COUNT(*) OVER (PARTITION BY s2, n0 >= {K} OR n1 >= {K}) AS n2
            FROM counted1
        )
        SELECT person,
            CASE WHEN n0 >= {K} THEN 0 WHEN n1 >= {K} THEN 1 ELSE 2 END AS level,
            CASE WHEN n0 >= {K} THEN s0 WHEN n1 >= {K} THEN s1 ELSE s2 END AS signature
        FROM counted2
        WHERE n0 >= {K} OR n1 >= {K} OR n2 >= {K}
    """  # noqa: S608 - identifiers checked above, values passed as parameters
    return sql, params


def k_anonymous_sql(
    kinds: dict[str, tuple[str, tuple, list[str]]],
    *,
    kind: str,
    row_id: str,
    order_key: str,
    export_pk: int,
) -> tuple[str, tuple]:
    """The rows of `kind` for a file of the export graded as `export_pk` (exports
    .CoarsenedPerson), from the queries of all its kinds (as for `person_levels_sql`): what
    each person's level hides set to NULL, the level in `x_generalised`, in an order keyed by
    `order_key` (not the order of registration), given as `x_row_order` (with the row's id) so
    that a query around this one can keep it.

    The data may have changed since the grading (a value corrected, a case moved, a new row, an
    age band turned, an area gained). So a person is shown only while all their rows, at their
    level, show exactly the signature they were graded on, and only while at least K people of
    that level and signature still do: everyone shown shows what at least K others show, in this
    file and in every file of the export. The others wait for the next export.

    Each row finds its person's grading through the unique (export, person) index, one lookup
    per row (LATERAL … LIMIT 1, which the planner keeps as it is). A plain join let the planner
    start from the grading: the statistics never know a new export's id, so they promise one
    graded person, and the plan then read every row of every kind again for each of the 10 000
    people actually graded (ten minutes for 10 000 participants, hours for 100 000)."""
    _checked(kind, row_id)
    universe, params = _universe(kinds)
    names = kinds[kind][2]
    columns = []
    for name in names:
        if name in BACKGROUND:
            columns.append(f"CASE WHEN kept.level >= 1 THEN NULL ELSE x_{name} END AS x_{name}")
        elif name in DEMOGRAPHIC:
            columns.append(f"CASE WHEN kept.level >= 2 THEN NULL ELSE x_{name} END AS x_{name}")
        else:
            columns.append(f"x_{name}")
    sql = f"""
        WITH {universe},
        shown AS (
            SELECT tuples.person, graded.level, graded.signature,
                CASE graded.level WHEN 0 THEN q0 WHEN 1 THEN q1 ELSE q2 END AS q
            FROM tuples
            CROSS JOIN LATERAL (
                SELECT level, signature FROM exports_coarsenedperson
                WHERE person_id = tuples.person AND export_id = %s
                LIMIT 1
            ) AS graded
        ),
        now AS (
            SELECT person, level, signature, ARRAY_AGG(DISTINCT q ORDER BY q) AS tuples_now
            FROM shown GROUP BY person, level, signature
        ),
        unchanged AS (
            SELECT person, level, COUNT(*) OVER (PARTITION BY level, signature) AS n
            FROM now WHERE tuples_now = signature
        ),
        kept AS (SELECT person, level FROM unchanged WHERE n >= {K})
        SELECT {", ".join(columns)}, kept.level AS x_generalised,
            MD5(%s || x_{row_id}::text) AS x_row_order
        FROM k_{kind} AS base
        JOIN kept ON kept.person = base.{PERSON}
        ORDER BY x_row_order, x_{row_id}
    """  # noqa: S608 - identifiers checked above, values passed as parameters
    return sql, (*params, export_pk, order_key)
