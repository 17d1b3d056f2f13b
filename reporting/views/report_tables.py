"""The tables of the report pages (reporting.views.reports), laid out as the published tables of
the 2012 report: a row per level of each background variable under the variable's heading, and
per category its count ("Antal") and share of the row ("Andel").

- Status dag 365: Tabell 3 (by background variable) and 5 (by target group) with the four
  categories and the row's sum; Tabell 4 and 6 with the work-or-education sub-split, shares of
  the whole row.
- Tid i samverkan (9.1.3): those who ended, and those who ended in work or education, with the
  mean number of days.
- Gemensamma kartläggningar: Tabell 1.
- Nya deltagare: Tabell 2 (target group across, background variables down), and month by month.
- Statusrapport: where everybody is on the period's last day, and how those who ended left.

Every cell comes from the figures as the reader may see them (reporting.computed): a hidden count
reads "<5", a share of a hidden count "dolt" (dashboard_tables). A level nobody is counted in and
that the published tables do not have (an unknown background, an unknown target group) is left
out, and so are the age bands under 18 and over 64 when nobody is in them; a hidden one is
kept."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mapping.models import AgencyCode

from ..metrics.base import COARSE_CATEGORIES, UNKNOWN, WORK_OR_EDUCATION_CATEGORIES
from ..metrics.labels import CATEGORIES, DIMENSIONS, level_label
from ..metrics.printing import NO_SHARE
from .dashboard_tables import (
    Cell,
    Column,
    Row,
    Table,
    count_cell,
    hidden_derived,
    mark_of,
    missing,
)

WORK = "work_or_education"
BACKGROUND = ("total", "sex", "age_band", "born_abroad", "disability", "education_level")
BY_TARGET_GROUP = ("total", "target_group")
MAPPING_DIMENSIONS = ("total", "sex", "age_band", "sick_leave_band", "benefit", "initiated_by")
SEX_KEYS = ("all", "K", "M")
# Levels shown only when somebody is in them (or they are hidden): the published tables have none.
OPTIONAL_LEVELS = {UNKNOWN, "under_18", "65_plus"}


def share_cell(text, count=None, total=None) -> Cell:
    """A printed share ("26%", "0,3%") with its fraction for a spreadsheet; None is hidden."""
    if text is None:
        return hidden_derived()
    if text == NO_SHARE:
        return missing()
    value = count / total if isinstance(count, int) and isinstance(total, int) and total else None
    return Cell(str(text), value=value, share=value is not None)


def mean_cell(mean, count) -> Cell:
    """A mean number of days: hidden with its count, "–" when nobody was counted."""
    if mean is None:
        return missing() if count == 0 else hidden_derived()
    return Cell(str(mean), value=mean)


def _pair(label: str) -> list[Column]:
    return [Column(_("Antal"), group=label), Column(_("Andel"), group=label)]


def _label(dimension: str, level: str) -> str:
    return str(level_label(dimension, level))


def _levels(data: dict, dimension: str, size) -> list[str]:
    """The dimension's levels in the metric's order; an optional level only when somebody is in
    it (or it is hidden)."""
    rows = data.get("rows", {}).get(dimension, {})
    order = data.get("levels", {}).get(dimension) or list(rows)
    return [
        level
        for level in order
        if level in rows and (level not in OPTIONAL_LEVELS or size(rows[level]) != 0)
    ]


def _dimension_rows(data: dict, dimensions, cells, size) -> list[Row]:
    """Rows per level of each dimension, a heading over each but the total."""
    rows: list[Row] = []
    for dimension in dimensions:
        levels = _levels(data, dimension, size)
        if not levels:
            continue
        if dimension != "total":
            rows.append(Row(header=Cell(str(DIMENSIONS[dimension])), cells=[], section=True))
        for level in levels:
            row = data["rows"][dimension][level]
            rows.append(Row(header=Cell(_label(dimension, level)), cells=cells(row)))
    return rows


# --- Status dag 365 ---------------------------------------------------------------------------


def _outcome_cells(categories, total_key=None):
    def cells(row: dict) -> list[Cell]:
        counts, shares, total = row.get("counts", {}), row.get("shares", {}), row.get("total")
        out = []
        for category in categories:
            out += [
                count_cell(counts.get(category), mark_of(row, category)),
                share_cell(shares.get(category), counts.get(category), total),
            ]
        if total_key is None:
            out += [
                count_cell(total, mark_of(row, "total")),
                share_cell(row.get("total_share"), total, total),
            ]
        else:
            out += [
                count_cell(counts.get(total_key), mark_of(row, total_key)),
                share_cell(shares.get(total_key), counts.get(total_key), total),
            ]
        return out

    return cells


def outcome_tables(data: dict, *, place: str) -> list[Table]:
    def size(row):
        return row.get("total")

    coarse = [Column(_("Grupp"), num=False)]
    for category in COARSE_CATEGORIES:
        coarse += _pair(str(CATEGORIES[category]))
    coarse += _pair(_("Summa"))
    fine = [Column(_("Grupp"), num=False)]
    for category in WORK_OR_EDUCATION_CATEGORIES:
        fine += _pair(str(CATEGORIES[category]))
    fine += _pair(_("Summa"))
    empty = _("Ingen började i samverkan i de månader perioden mäter.")

    def table(key, caption, columns, dimensions, cells):
        return Table(
            key=key,
            caption=caption % {"place": place},
            columns=columns,
            rows=_dimension_rows(data, dimensions, cells, size),
            empty_text=empty,
        )

    return [
        table(
            "bakgrund",
            _("Status dag 365 fördelat på bakgrundsvariabler, %(place)s"),
            coarse,
            BACKGROUND,
            _outcome_cells(COARSE_CATEGORIES),
        ),
        table(
            "bakgrund-arbete",
            _("Till arbete och utbildning fördelat på bakgrundsvariabler, %(place)s"),
            fine,
            BACKGROUND,
            _outcome_cells(WORK_OR_EDUCATION_CATEGORIES, total_key=WORK),
        ),
        table(
            "malgrupp",
            _("Status dag 365 fördelat på målgrupper, %(place)s"),
            coarse,
            BY_TARGET_GROUP,
            _outcome_cells(COARSE_CATEGORIES),
        ),
        table(
            "malgrupp-arbete",
            _("Till arbete och utbildning fördelat på målgrupper, %(place)s"),
            fine,
            BY_TARGET_GROUP,
            _outcome_cells(WORK_OR_EDUCATION_CATEGORIES, total_key=WORK),
        ),
    ]


# --- Tid i samverkan --------------------------------------------------------------------------


def average_days_tables(data: dict, *, place: str) -> list[Table]:
    def cells(row: dict) -> list[Cell]:
        out = []
        for group in ("all", WORK):
            part = row.get(group, {})
            out += [
                count_cell(part.get("count"), mark_of(part, "count")),
                mean_cell(part.get("mean_days"), part.get("count")),
            ]
        return out

    def size(row):
        return row.get("all", {}).get("count")

    ended, in_work = _("Alla som avslutades"), _("Till arbete eller utbildning")
    return [
        Table(
            key="dagar",
            caption=_("Genomsnittlig tid i samverkan, %(place)s") % {"place": place},
            columns=[
                Column(_("Grupp"), num=False),
                Column(_("Antal"), group=ended),
                Column(_("Dagar i medeltal"), group=ended),
                Column(_("Antal"), group=in_work),
                Column(_("Dagar i medeltal"), group=in_work),
            ],
            rows=_dimension_rows(data, ("total", "sex", "target_group"), cells, size),
            empty_text=_("Inget ärende avslutades under perioden."),
        )
    ]


# --- Gemensamma kartläggningar ----------------------------------------------------------------


def mapping_tables(data: dict, *, place: str) -> list[Table]:
    total = data.get("rows", {}).get("total", {}).get("total", {}).get("count")

    def cells(row: dict) -> list[Cell]:
        return [
            count_cell(row.get("count"), mark_of(row, "count")),
            share_cell(row.get("share"), row.get("count"), total),
        ]

    def size(row):
        return row.get("count")

    # Restricted to one benefit, the rows by benefit would repeat the total.
    dimensions = [d for d in MAPPING_DIMENSIONS if not (data.get("benefit") and d == "benefit")]
    tables = [
        Table(
            key="kartlaggningar",
            caption=_("Genomförda gemensamma kartläggningar, %(place)s") % {"place": place},
            columns=[Column(_("Grupp"), num=False), Column(_("Antal")), Column(_("Andel"))],
            rows=_dimension_rows(data, dimensions, cells, size),
            empty_text=_("Ingen gemensam kartläggning hölls under perioden."),
        )
    ]
    crossed = data.get("crossed")
    if crossed is not None:
        tables.append(_crossed_table(data, crossed, place))
    return tables


def _crossed_table(data: dict, crossed: dict, place: str) -> Table:
    """Benefit down, the initiating agency across: Tabell 1's population and the mappings of
    people with other benefits or none, side by side."""
    agencies = list(AgencyCode.values)
    by_benefit = data.get("rows", {}).get("benefit", {})
    table = Table(
        key="ersattning",
        caption=_("Kartläggningar efter ersättning och initierande myndighet, %(place)s")
        % {"place": place},
        columns=[
            Column(_("Ersättning"), num=False),
            *[Column(_label("initiated_by", agency)) for agency in agencies],
            Column(_("Summa")),
        ],
        empty_text=_("Ingen gemensam kartläggning hölls under perioden."),
    )
    benefits = data.get("levels", {}).get("benefit") or list(crossed)
    if data.get("benefit"):
        benefits = [data["benefit"]]
    for benefit in benefits:
        cells = crossed.get(benefit, {})
        total = by_benefit.get(benefit, {}).get("count")
        if benefit in OPTIONAL_LEVELS and total == 0:
            continue
        table.rows.append(
            Row(
                header=Cell(_label("benefit", benefit)),
                cells=[
                    count_cell(cells.get(agency), mark_of(data, f"crossed:{benefit}:{agency}"))
                    for agency in agencies
                ]
                + [count_cell(total, mark_of(by_benefit.get(benefit, {}), "count"))],
            )
        )
    return table


# --- Nya deltagare ----------------------------------------------------------------------------


def inflow_tables(data: dict, *, place: str, month_label) -> list[Table]:
    total_row = data.get("rows", {}).get("total", {}).get("total", {})
    groups = [
        group
        for group in data.get("target_groups", [])
        if group != UNKNOWN or total_row.get("counts", {}).get(group) != 0
    ]
    columns = [Column(_("Grupp"), num=False)]
    for group in groups:
        columns += _pair(_label("target_group", group))
    columns += _pair(_("Summa"))

    def cells(row: dict) -> list[Cell]:
        counts, shares, total = row.get("counts", {}), row.get("shares", {}), row.get("total")
        out = []
        for group in groups:
            out += [
                count_cell(counts.get(group), mark_of(row, group)),
                share_cell(shares.get(group), counts.get(group), total),
            ]
        return out + [
            count_cell(total, mark_of(row, "total")),
            share_cell(row.get("total_share"), total, total),
        ]

    def size(row):
        return row.get("total")

    by_month = Table(
        key="manader",
        caption=_("Nya deltagare per månad, %(place)s") % {"place": place},
        columns=[
            Column(_("Månad"), num=False),
            Column(_("Alla")),
            Column(_("Kvinnor")),
            Column(_("Män")),
            Column(_("Antal"), group=_("Unga")),
            Column(_("Andel"), group=_("Unga")),
        ],
    )
    months = data.get("months", {})
    for month in sorted(months):
        by_month.rows.append(
            Row(header=Cell(month_label(month)), cells=_month_cells(months[month]))
        )
    if months:
        by_month.rows.append(
            Row(header=Cell(_("Hela perioden")), cells=_month_cells(data["period"]))
        )
    return [
        Table(
            key="malgrupp",
            caption=_("Nya deltagare fördelat på målgrupp och bakgrundsvariabler, %(place)s")
            % {"place": place},
            columns=columns,
            rows=_dimension_rows(data, BACKGROUND, cells, size),
            empty_text=_("Ingen ny deltagare under perioden."),
        ),
        by_month,
    ]


def _month_cells(month: dict) -> list[Cell]:
    every, women, men = month.get("all", {}), month.get("K", {}), month.get("M", {})
    return [
        count_cell(every.get("count"), mark_of(every, "count")),
        count_cell(women.get("count"), mark_of(women, "count")),
        count_cell(men.get("count"), mark_of(men, "count")),
        count_cell(every.get("young"), mark_of(every, "young")),
        share_cell(every.get("young_share"), every.get("young"), every.get("count")),
    ]
