"""The k-anonymity check of a coarsened export (SPEC §6: roles without case access get no
row-level personal data; rows "coarsened and checked so that no combination of background
variables picks out fewer than 5 people").

The quasi-identifiers are the background variables a reader may know about someone: area, sex,
age band, born abroad, disability and education level (those of them the kind has), and whether
the participant is anonymous (SPEC §3; for an anonymous participant the background variables are
empty already). K is the dashboard's smallest shown count, `reporting.suppression.SMALL_CELL`.

The rule, applied by PostgreSQL to the rows of this export (after the area and period filters,
so that one month of one area is checked as the file that leaves), counting people, not rows:

- level 0: a row whose combination of every quasi-identifier is shared by at least K people
  stays as it is;
- level 1: the rows left over have born abroad, disability and education level hidden; those
  whose (area, sex, age band) is then shared by at least K people of the left-over rows stay so;
- level 2: the rows still left over have sex and age band hidden as well; those whose area is
  shared by at least K people of these rows stay so;
- every other row is withheld.

Each shown combination (with the level, the column `generalised`) thus holds at least K people.
Set-based: three window counts over the quasi-identifier partitions, one query, read through the
same server-side cursor as every export. People are counted with the dense_rank trick (window
functions have no COUNT(DISTINCT)): ascending rank plus descending rank minus one."""

from __future__ import annotations

import re

from reporting.suppression.equations import SMALL_CELL

K = SMALL_CELL

AREA = ["area_code"]
DEMOGRAPHIC = ["sex", "age_band"]  # hidden at level 2
BACKGROUND = ["born_abroad", "disability", "education_level"]  # hidden from level 1
QUASI_IDENTIFIERS = [*AREA, *DEMOGRAPHIC, *BACKGROUND]
PERSON = "x_subject_person_id"
# The column names come from exports.columns and the queries, never from a request; checked all
# the same, since they are written into the SQL.
IDENTIFIER = re.compile(r"\A[a-z][a-z0-9_]*\Z")


def _people(partition: list[str]) -> str:
    """Distinct people in the row's partition."""
    over = ", ".join(partition)
    return (
        f"(DENSE_RANK() OVER (PARTITION BY {over} ORDER BY {PERSON})"
        f" + DENSE_RANK() OVER (PARTITION BY {over} ORDER BY {PERSON} DESC) - 1)"
    )


def _shown(name: str) -> str:
    # An anonymous participant's background variables are empty in the file (exports.columns),
    # so they are checked as shown.
    if name in BACKGROUND:
        return f"(CASE WHEN x_anonymous THEN NULL ELSE x_{name} END)"
    return f"x_{name}"


def k_anonymous_sql(
    inner_sql: str, inner_params, *, names: list[str], row_id: str, order_key: str
) -> tuple[str, tuple]:
    """The export's query `inner_sql` (whose columns are `x_<name>` for `names`) wrapped in the
    check: the rows of levels 0–2 with what their level hides set to NULL and the level in
    `x_generalised`, in an order keyed by `order_key` (not the order of registration)."""
    if not all(IDENTIFIER.match(name) for name in [*names, row_id]):
        raise ValueError("export column names must be plain identifiers")
    present = [name for name in QUASI_IDENTIFIERS if name in names]
    anonymous = ["x_anonymous"]
    level0 = [_shown(name) for name in present] + anonymous
    level1 = [_shown(name) for name in present if name not in BACKGROUND] + anonymous
    level2 = [_shown(name) for name in present if name in AREA] + anonymous
    columns = []
    for name in names:
        if name in BACKGROUND:
            columns.append(f"CASE WHEN x_generalised >= 1 THEN NULL ELSE x_{name} END AS x_{name}")
        elif name in DEMOGRAPHIC:
            columns.append(f"CASE WHEN x_generalised >= 2 THEN NULL ELSE x_{name} END AS x_{name}")
        else:
            columns.append(f"x_{name}")
    sql = f"""
        WITH base AS ({inner_sql}),
        level0 AS (SELECT base.*, {_people(level0)} AS k_people0 FROM base),
        level1 AS (
            SELECT level0.*, {_people([*level1, f"(k_people0 < {K})"])} AS k_people1 FROM level0
        ),
        level2 AS (
            SELECT level1.*,
                {_people([*level2, f"(k_people0 < {K} AND k_people1 < {K})"])} AS k_people2
            FROM level1
        ),
        graded AS (
            SELECT level2.*, CASE
                WHEN k_people0 >= {K} THEN 0
                WHEN k_people1 >= {K} THEN 1
                WHEN k_people2 >= {K} THEN 2
            END AS x_generalised
            FROM level2
        )
        SELECT {", ".join(columns)}, x_generalised
        FROM graded
        WHERE x_generalised IS NOT NULL
        ORDER BY MD5(%s || x_{row_id}::text), x_{row_id}
    """  # noqa: S608 - identifiers checked above, values passed as parameters
    return sql, (*inner_params, order_key)
