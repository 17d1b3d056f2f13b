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


def _tuples(kind: str, names: list[str]) -> str:
    """One row's quasi-identifiers as shown at each level, as JSON text (NULL-safe, typed)."""
    selects = []
    for level, shown in SHOWN_AT.items():
        values = ", ".join(_shown(name, names) for name in shown)
        selects.append(f"json_build_array('{kind}', {values}, x_anonymous)::text AS q{level}")
    # identifiers checked by person_levels_sql
    return f"SELECT {PERSON} AS person, {', '.join(selects)} FROM k_{kind}"  # noqa: S608


def person_levels_sql(kinds: dict[str, tuple[str, tuple, list[str]]]) -> tuple[str, tuple]:
    """`SELECT person, level` for every person of the export who is shown, from the queries of
    all its kinds `{kind: (sql, params, column names without x_)}`."""
    for kind, (_sql, _params, names) in kinds.items():
        _checked(kind, *names)
    withs = ",\n".join(f"k_{kind} AS ({sql})" for kind, (sql, _p, _n) in kinds.items())
    params = tuple(param for _sql, kind_params, _n in kinds.values() for param in kind_params)
    tuples = "\nUNION ALL\n".join(_tuples(kind, names) for kind, (_s, _p, names) in kinds.items())
    sql = f"""
        WITH {withs},
        tuples AS ({tuples}),
        people AS (
            SELECT person,
                STRING_AGG(DISTINCT q0, '|' ORDER BY q0) AS s0,
                STRING_AGG(DISTINCT q1, '|' ORDER BY q1) AS s1,
                STRING_AGG(DISTINCT q2, '|' ORDER BY q2) AS s2
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
        SELECT person, CASE
            WHEN n0 >= {K} THEN 0
            WHEN n1 >= {K} THEN 1
            ELSE 2
        END AS level
        FROM counted2
        WHERE n0 >= {K} OR n1 >= {K} OR n2 >= {K}
    """  # noqa: S608 - identifiers checked above, values passed as parameters
    return sql, params


def k_anonymous_sql(
    inner_sql: str, inner_params, *, names: list[str], row_id: str, order_key: str, export_pk: int
) -> tuple[str, tuple]:
    """The export's query `inner_sql` (whose columns are `x_<name>` for `names`) limited to the
    people graded for the export `export_pk` (exports.CoarsenedPerson), with what their level
    hides set to NULL and the level in `x_generalised`, in an order keyed by `order_key` (not the
    order of registration)."""
    _checked(*names, row_id)
    columns = []
    for name in names:
        if name in BACKGROUND:
            columns.append(f"CASE WHEN graded.level >= 1 THEN NULL ELSE x_{name} END AS x_{name}")
        elif name in DEMOGRAPHIC:
            columns.append(f"CASE WHEN graded.level >= 2 THEN NULL ELSE x_{name} END AS x_{name}")
        else:
            columns.append(f"x_{name}")
    sql = f"""
        SELECT {", ".join(columns)}, graded.level AS x_generalised
        FROM ({inner_sql}) AS base
        JOIN exports_coarsenedperson AS graded
            ON graded.person_id = base.{PERSON} AND graded.export_id = %s
        ORDER BY MD5(%s || x_{row_id}::text), x_{row_id}
    """  # noqa: S608 - identifiers checked above, values passed as parameters
    return sql, (*inner_params, export_pk, order_key)
