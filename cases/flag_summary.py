"""What the worklist reads of a case's flags, as SQL from their declarations (cases.flag_rules):
`flag_summary`, which the list evaluates case by case and cases.worklist_state stores for a day
(one evaluation for both), the columns the list reads of each case evaluated (`listed`) and
what each of its sorts orders by (`sort_columns`). Pure functions of the declarations, the terms
(cases.flag_terms.SqlTerms: the rule set is joined, never put into the text as values) and, for
the sort by target group, the reader's language; cases.worklist_query builds the list's SQL
from them."""

from __future__ import annotations

from .flag_rules import DUE, FLAG_RULES, OVERDUE, days_in_samverkan
from .flag_terms import SqlTerms, sql_literal
from .models import TARGET_GROUP_SHORT, Phase


def sort_columns() -> dict[str, list[str]]:
    """Per sort of the worklist, what it orders by (over the columns of `listed`)."""
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


def listed_columns(terms: SqlTerms, *, nearest: str, overdue: str, has_flag: str) -> str:
    """The columns the list reads of each case (the row `c`), its flags' summary given as SQL:
    evaluated from the declarations (`listed`) or read from the summary stored for the day."""
    columns = [
        "c.id",
        "c.phase",
        "c.target_group",
        "c.person_last_name",
        "c.person_first_name",
        f"{days_in_samverkan(terms)} AS days",
        f"{nearest} AS nearest",
        f"{overdue} AS overdue",
        f"{has_flag} AS has_flag",
    ]
    return ", ".join(columns)


def listed(terms: SqlTerms, flag: str | None) -> str:
    """The columns the list reads of each case, evaluated over the row `c` and its rule set
    `r`."""
    summary = flag_summary(terms)
    return listed_columns(
        terms,
        nearest=summary["nearest"],
        overdue=summary["overdue"],
        has_flag=summary["applies"][flag] if flag else "TRUE",
    )
