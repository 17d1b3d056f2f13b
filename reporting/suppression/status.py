"""The status report's counts as equations (reporting.metrics.status), in two steps.

1. The area rows and their total, as one table: within a block (the total or an area) waiting
   is its two kinds of waiting, ended its occupations, work or education its parts, all its
   women and men; the areas add up to the total.
2. The breakdowns by office, one table per area and kind of office (LFC, AMO): the area's
   offices (with "unknown") add up to the area's row. The area's counts are as step 1 left
   them: a shown one is seen (never hidden here), a hidden one is unknown and must stay so
   (`Table.protected_elsewhere`), besides every count of 1–4 of the offices.

Why two steps: one table of every area's offices and every area is exact but costs minutes for
the nation (the elimination grows with the connected counts), while an area's offices are tied
to the rest only through the area's row. Not covered, as with separately requested tables
(reporting.suppression's docstring): a combination of an area's hidden counts that neither
step fixes alone but the two together could (in practice the office rows of an area are
fewer and smaller than its row, and hide with it)."""

from __future__ import annotations

from .equations import Key, Table, hidden_counts
from .marks import MARKS_KEY, hidden_marks, note


def _columns(blocks: dict) -> list[tuple]:
    from ..metrics.status import STATES

    occupations: list[str] = []
    for block in blocks.values():
        for row in block.values():
            for occupation in row["ended_occupation"]:
                if occupation not in occupations:
                    occupations.append(occupation)
    return [(state,) for state in STATES] + [("ended_occupation", o) for o in occupations]


def _blocks(table: Table, blocks: dict, columns: list[tuple]) -> None:
    """Each block's counts and the sums within it."""
    from .reports import _work_or_education_parts

    occupations = [column[1] for column in columns if column[0] == "ended_occupation"]
    for base, block in blocks.items():
        for sex, row in block.items():
            for column in columns:
                value = row[column[0]] if len(column) == 1 else row[column[0]].get(column[1])
                table.count((*base, sex, *column), value)
    woe_parts = _work_or_education_parts()
    for base, block in blocks.items():
        for sex in block:
            row = (*base, sex)
            table.add_sum(
                (*row, "waiting"),
                [(*row, "waiting_for_mapping"), (*row, "waiting_for_intervention")],
            )
            table.add_sum(
                (*row, "ended"),
                [(*row, "ended_occupation", o) for o in occupations if o != "work_or_education"],
            )
            table.add_sum(
                (*row, "ended_occupation", "work_or_education"),
                [(*row, "ended_occupation", o) for o in woe_parts],
            )
        for column in columns:
            table.add_sum(
                (*base, "all", *column), [(*base, s, *column) for s in block if s != "all"]
            )


def _hide(blocks: dict, hidden: set[Key], marks: dict[Key, str]) -> None:
    for base, block in blocks.items():
        for sex, row in block.items():
            for state in [key for key in row if key not in ("ended_occupation", MARKS_KEY)]:
                if (*base, sex, state) in hidden:
                    row[state] = None
                    note(row, state, marks[(*base, sex, state)])
            for occupation in row["ended_occupation"]:
                key = (*base, sex, "ended_occupation", occupation)
                if key in hidden:
                    row["ended_occupation"][occupation] = None
                    note(row, f"ended_occupation.{occupation}", marks[key])


def suppress_status(data: dict) -> dict:
    areas = data.get("areas", {})
    blocks = {("total",): data.get("total", {})}
    for area, block in areas.items():
        blocks[("areas", area)] = block
    columns = _columns(blocks)
    table = Table()
    _blocks(table, blocks, columns)
    for sex in data.get("total", {}):
        for column in columns:
            table.add_sum(
                ("total", sex, *column), [("areas", area, sex, *column) for area in areas]
            )
    hidden = hidden_counts(table)

    # Step 2, before step 1's answer is applied: the area rows as computed, with what it hides.
    office_hidden: list[tuple[dict, set[Key], dict[Key, str]]] = []
    for kind, by_area in (data.get("offices") or {}).items():
        for area, by_office in by_area.items():
            offices = {("offices", kind, area, office): b for office, b in by_office.items()}
            area_base = ("areas", area)
            sub = Table()
            together = {**offices, **({area_base: areas[area]} if area in areas else {})}
            _blocks(sub, together, _columns(together))
            if area in areas:
                for key in list(sub.values):
                    if key[:2] != area_base:
                        continue
                    if key in hidden:
                        sub.hidden_elsewhere.add(key)
                        sub.protected_elsewhere.add(key)
                    else:
                        sub.seen.add(key)
                for sex in areas[area]:
                    for column in _columns(together):
                        sub.add_sum(
                            (*area_base, sex, *column),
                            [(*base, sex, *column) for base in offices],
                        )
            found = hidden_counts(sub)
            office_hidden.append((offices, found, hidden_marks(sub, found)))
    _hide(blocks, hidden, hidden_marks(table, hidden))
    for offices, found, marks in office_hidden:
        _hide(offices, found, marks)
    return data
