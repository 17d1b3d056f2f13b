"""The cells of an export's CSV file computed by PostgreSQL (SPEC §6; ADR 0013): one SELECT whose
every column is a cell as `samverkan.csvfiles` writes it, so that `COPY (…) TO STDOUT (FORMAT
csv)` produces the file's rows with no Python per row or cell (exports.copystream).

The rows are the export's own query (`export_queryset`, or for a coarsened export the k-anonymous
`export_sql`): the same scoping, secrecy and grading, read once more only to be written. What
Python does per cell on the other path (exports.selectors.rows, exports.headers, csvfiles) is
done here in SQL, each step in the same order:

- the person's key and a coarsened export's record keys (`PersonKey.sql`, the same HMAC);
- a mapping's participants joined with `|`;
- a blank text as an empty cell; in a coarsened export, what an anonymous participant must not
  show emptied (SPEC §3, `Column.kept_for_anonymous`);
- for a file for people, the codes in words (`column_labels`: the same lists);
- the cell's text: booleans 1/0, dates YYYY-MM-DD, decimals with a decimal comma after `;`,
  text through the formula guard (csvfiles.FORMULA_START). Integers, dates and decimals after
  `,` are left to COPY, whose output of them is the same.

How each value is written depends on its type in the database, read from the query itself, so a
column whose type this module does not know stops the export instead of being written wrongly."""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection

from samverkan import csvfiles

from ..columns import KINDS, columns_for
from ..headers import YES_NO, column_labels
from .kanon import IDENTIFIER
from .queries import ROW_ID, ExportQuery, export_queryset, export_sql

# PostgreSQL's type ids (pg_type.oid) of the values an export's query yields.
BOOLEAN = 16
INTEGERS = {20, 21, 23}  # bigint, smallint, integer
NUMERIC = 1700
TEXTS = {25, 1043}  # text, varchar
DATE = 1082
JSONB = 3802

# csvfiles.guarded in SQL: the first character's code point, compared with the formula starts.
_FORMULA_CODES = ", ".join(str(ord(start)) for start in csvfiles.FORMULA_START)
# The same guard for a long expression, which must be written only once: a regular expression.
_FORMULA_PATTERN = "^([" + "".join(s for s in csvfiles.FORMULA_START if s != "-") + "-])"


class CsvNotWritable(Exception):
    """A column of a type the database's CSV cannot write as csvfiles does."""


def export_source(query: ExportQuery, *, user, today: dt.date) -> tuple[str, tuple]:
    """The export's rows as SQL with `x_<column>` names: the queryset of a full-identity export,
    the k-anonymous rows of a coarsened one."""
    if query.full_identity:
        sql, params = export_queryset(query, user=user, today=today).query.sql_with_params()
        return sql, tuple(params)
    sql, params = export_sql(query, user=user, today=today)
    return sql, tuple(params)


def export_row_order(query: ExportQuery) -> list[str]:
    """The file's row order, the source's own, by its output columns (`r.`): PostgreSQL keeps
    the source's order with no new sort."""
    row_id = f"r.x_{ROW_ID[query.kind]}"
    return [row_id] if query.full_identity else ["r.x_row_order", row_id]


def export_source_types(sql: str, params: tuple) -> dict[str, int]:
    """The type of each column of the rows' query, from a run that returns no rows."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({sql}) AS r LIMIT 0", params)  # noqa: S608 - our SQL
        return {column.name: column.type_code for column in cursor.description}


def _guarded(text: str) -> str:
    """A text column reference (`text` is repeated) as a cell: empty as NULL, a formula
    defused (csvfiles.guarded)."""
    return (
        f"CASE WHEN ASCII({text}) IN ({_FORMULA_CODES}) THEN '''' || {text} "
        f"ELSE NULLIF({text}, '') END"
    )


def _guarded_once(expression: str) -> tuple[str, list]:
    """The same for a long expression, evaluated once."""
    return f"NULLIF(REGEXP_REPLACE({expression}, %s, %s), '')", [_FORMULA_PATTERN, "'\\1"]


def _label_text(label) -> str:
    """A label as its cell shows it (the labels are the product's own, guarded all the same)."""
    return csvfiles.guarded(str(label))


def _codes_json(labels: dict, *, guarded: bool = True) -> str:
    """A code list as a JSON object for `->>`: each code's words (as its cell shows them)."""
    if not all(isinstance(code, str) for code in labels):
        raise CsvNotWritable("a code list with codes that are not text")
    shown = _label_text if guarded else str
    return json.dumps({code: shown(label) for code, label in labels.items()})


def _value(value: str, type_code: int, labels, *, decimal_comma: bool) -> tuple[str, list]:
    """A plain column's cell (csvfiles.cell_text after exports.headers' labels)."""
    if type_code in TEXTS:
        if labels is None:
            return _guarded(value), []
        # Python labels what is not empty; a code missing from its list stays as written.
        return (
            f"CASE WHEN {value} <> '' THEN NULLIF(COALESCE(%s::jsonb ->> {value}, "
            f"CASE WHEN ASCII({value}) IN ({_FORMULA_CODES}) THEN '''' || {value} "
            f"ELSE {value} END), '') END"
        ), [_codes_json(labels)]
    if type_code == BOOLEAN:
        if labels is None:
            return f"{value}::integer", []
        if labels is not YES_NO:
            raise CsvNotWritable("a boolean column with a code list")
        yes, no = (_label_text(labels[True]) or None, _label_text(labels[False]) or None)
        return f"CASE WHEN {value} THEN %s WHEN NOT {value} THEN %s END", [yes, no]
    if labels is not None:
        raise CsvNotWritable("a code list on a column that is not text")
    # Numbers and dates are written by PostgreSQL's own output: an integer as Python writes it,
    # a decimal with all its places (as Decimal's "f"), a date as YYYY-MM-DD (DateStyle ISO,
    # which exports.copystream sets for the COPY).
    if type_code in INTEGERS or type_code == DATE:
        return value, []
    if type_code == NUMERIC:
        return (f"REPLACE({value}::text, '.', ',')" if decimal_comma else value), []
    raise CsvNotWritable(f"a column of type {type_code}")


def _participants(value: str, type_code: int, labels) -> tuple[str, list]:
    """The codes of a mapping's participants joined with `|` (exports.selectors.rows), in
    words joined with `, ` for people (exports.headers)."""
    if type_code != JSONB:
        raise CsvNotWritable("participants that are not a JSON list")
    # `value` is a checked column name, the rest is SQL of this module.
    elements = f"JSONB_ARRAY_ELEMENTS_TEXT({value}) WITH ORDINALITY AS codes(code, n)"
    joined = f"NULLIF((SELECT STRING_AGG(code, '|' ORDER BY n) FROM {elements}), '')"  # noqa: S608
    if labels is None:
        return _guarded_once(joined)
    split = f"UNNEST(STRING_TO_ARRAY({joined}, '|')) WITH ORDINALITY AS codes(code, n)"
    word = "COALESCE(%s::jsonb ->> code, code)"
    words = f"(SELECT STRING_AGG({word}, ', ' ORDER BY n) FROM {split})"  # noqa: S608
    words_sql, words_params = _guarded_once(words)
    # The words of the list are joined first and guarded as a whole, as the other path does.
    return words_sql, [_codes_json(labels, guarded=False), *words_params]


def export_csv_sql(
    query: ExportQuery,
    *,
    rows: tuple[str, tuple],
    types: dict[str, int],
    person_key,
    delimiter: str,
    labelled: bool,
) -> tuple[str, tuple]:
    """The SELECT of the export's CSV rows (module docstring): one column per file column,
    in the file's order, over `rows` (the export's source, or a table holding its rows) whose
    columns have `types`. `person_key` is the export's PersonKey; `labelled` for a file with
    headers (and codes) in words."""
    columns = columns_for(query.kind, full_identity=query.full_identity)
    labels = column_labels(columns) if labelled else [None] * len(columns)
    coarsened = not query.full_identity
    records = {c.name: c.record for c in KINDS[query.kind] if c.record} if coarsened else {}
    decimal_comma = delimiter == csvfiles.SEMICOLON
    cells, params = [], []
    for column, codes in zip(columns, labels, strict=True):
        name = column.name
        if not IDENTIFIER.match(name) or not IDENTIFIER.match(records.get(name, "x")):
            raise ValueError("export column names must be plain identifiers")
        value = f"r.x_{name}"
        if name == "person_key":
            cell, cell_params = person_key.sql("r.x_personnummer")
        elif name in records:
            cell, cell_params = person_key.sql(f"'{records[name]}:' || {value}::text")
        elif name == "participants":
            cell, cell_params = _participants(value, types[f"x_{name}"], codes)
        else:
            cell, cell_params = _value(
                value, types[f"x_{name}"], codes, decimal_comma=decimal_comma
            )
        if coarsened and not column.kept_for_anonymous:
            cell = f"CASE WHEN r.x_anonymous THEN NULL ELSE {cell} END"
        cells.append(cell)
        params.extend(cell_params)
    rows_sql, rows_params = rows
    sql = (
        f"SELECT {', '.join(cells)} FROM ({rows_sql}) AS r "  # noqa: S608 - identifiers checked
        f"ORDER BY {', '.join(export_row_order(query))}"
    )
    return sql, (*params, *rows_params)
