"""The status report's tables (reporting.views.reports, SPEC §5 "Status report": "by area,
office and sex"): the states on the period's last day and those who ended, by area and sex; then
one table for FK's lokala försäkringscenter and one for AF's arbetsmarknadsområden, since a case
or a mapping is run from one office of each agency and so counts once in each table
(reporting.metrics.status).

The office rows are grouped per area (a heading with the area's name), each office of the area
by name with its women and men, the records without an office last. The figures are the
report's as the reader may see them (reporting.computed): the office rows went through the same
suppression as the area rows, checked with the area's hidden counts, whose size they cannot say:
their hidden counts read "dolt". Only the areas of the report are in the figures, so an office
of another area never appears."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ..metrics.base import COARSE_CATEGORIES, UNKNOWN, WORK_OR_EDUCATION_KEY
from ..metrics.labels import CATEGORIES, STATES
from .dashboard_tables import Cell, Column, Row, Table, count_cell, mark_of

STATE_COLUMNS = ("in_mapping", "waiting_for_mapping", "active", "waiting_for_intervention")
KINDS = {
    "LFC": ("lfc", lambda: _("Per FK-kontor (lokalt försäkringscenter), %(day)s")),
    "AMO": ("amo", lambda: _("Per AF-kontor (arbetsmarknadsområde), %(day)s")),
}


def _cells(row: dict) -> list[Cell]:
    occupation = row.get("ended_occupation", {})
    return [
        *[count_cell(row.get(state), mark_of(row, state)) for state in STATE_COLUMNS],
        count_cell(row.get("ended"), mark_of(row, "ended")),
        count_cell(
            occupation.get(WORK_OR_EDUCATION_KEY),
            mark_of(row, f"ended_occupation.{WORK_OR_EDUCATION_KEY}"),
        ),
    ]


def status_office_tables(
    data: dict, *, day_label: str, area_names: dict[str, str], office_names: dict[str, str]
) -> list[Table]:
    """The two tables by office; `area_names` by area id (as the figures key them),
    `office_names` by office code."""
    tables = []
    for kind, (key, caption) in KINDS.items():
        by_area = (data.get("offices") or {}).get(kind, {})
        table = Table(
            key=f"kontor-{key}",
            caption=caption() % {"day": day_label},
            columns=[
                Column(_("Kontor"), num=False),
                *[Column(str(STATES[state])) for state in STATE_COLUMNS],
                Column(_("Alla"), group=_("Avslutade under perioden")),
                Column(_("Till arbete och utbildning"), group=_("Avslutade under perioden")),
            ],
            empty_text=_("Inget att räkna per kontor under perioden."),
        )
        areas = sorted(by_area.items(), key=lambda item: area_names.get(item[0], item[0]))
        for area, by_office in areas:
            table.rows.append(Row(header=Cell(area_names.get(area, area)), cells=[], section=True))
            offices = sorted(
                by_office.items(),
                key=lambda item: (item[0] == UNKNOWN, office_names.get(item[0], item[0])),
            )
            for office, by_sex in offices:
                name = (
                    _("Kontor inte registrerat")
                    if office == UNKNOWN
                    else office_names.get(office, office)
                )
                for sex, label in (("all", ""), ("K", _("kvinnor")), ("M", _("män"))):
                    header = f"{name}, {label}" if label else name
                    table.rows.append(Row(header=Cell(header), cells=_cells(by_sex.get(sex, {}))))
        tables.append(table)
    return tables


# --- by area and sex ----------------------------------------------------------------------------


def status_tables(data: dict, *, place: str, day_label: str, area_names: dict) -> list[Table]:
    sexes = {"all": _("Alla"), "K": _("Kvinnor"), "M": _("Män")}
    parts = [(capfirst(place), data.get("total", {}))]
    areas = data.get("areas", {})
    if len(areas) > 1:
        named = sorted((area_names.get(str(key), str(key)), rows) for key, rows in areas.items())
        parts += named

    def rows_of(cells) -> list[Row]:
        rows = []
        for name, part in parts:
            rows.append(Row(header=Cell(name), cells=[], section=True))
            for sex, label in sexes.items():
                rows.append(Row(header=Cell(str(label)), cells=cells(part.get(sex, {}))))
        return rows

    def state_cells(row):
        return [count_cell(row.get(state), mark_of(row, state)) for state in STATE_COLUMNS]

    def ended_cells(row):
        occupation = row.get("ended_occupation", {})
        return [
            count_cell(occupation.get(c), mark_of(row, f"ended_occupation.{c}"))
            for c in COARSE_CATEGORIES
        ] + [count_cell(row.get("ended"), mark_of(row, "ended"))]

    return [
        Table(
            key="lage",
            caption=_("Läget %(day)s") % {"day": day_label},
            columns=[
                Column(_("Grupp"), num=False),
                *[Column(str(STATES[state])) for state in STATE_COLUMNS],
            ],
            rows=rows_of(state_cells),
        ),
        Table(
            key="avslutade",
            caption=_("Avslutade under perioden och sysselsättning efteråt"),
            columns=[
                Column(_("Grupp"), num=False),
                *[Column(str(CATEGORIES[c]), group=_("Efteråt")) for c in COARSE_CATEGORIES],
                Column(_("Alla avslutade")),
            ],
            rows=rows_of(ended_cells),
        ),
    ]
