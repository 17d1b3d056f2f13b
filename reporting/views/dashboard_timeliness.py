"""The dashboard's timeliness section (issue 15 point 3, reporting.metrics.timeliness): for each of
the last 24 report months the share of each kind of deadline kept, against the rule set's goal
(a dashed goal line in each chart), and the newest month in detail. Read from the snapshots like
every other section; team and officer figures are on the timeliness page (reporting.views.
timeliness), for the area's coordinator.

"Under målet" is exact: on time × 100 < goal × (on time + late), or for the active days
active × 100 < goal × enrolled days. The cell helpers here are the timeliness page's too."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .. import charts
from ..metrics.labels import TIMELINESS_MEASURES
from ..metrics.timeliness_sql import DEADLINE_MEASURES, MEASURES
from .dashboard import Dashboard
from .dashboard_tables import (
    ABSENT,
    Cell,
    Column,
    Row,
    Section,
    Table,
    count_cell,
    dig,
    gap_row,
    hidden_derived,
    mark_of,
    missing,
    span,
    text_cell,
    version_cell,
)

SMALL_CHART = 260


def share_parts(cell) -> tuple[int | None, int | None]:
    """(kept, out of) of a measure's cell: on time of on time + late, or active of all days."""
    if not isinstance(cell, dict):
        return None, None
    if "active_days" in cell:
        return cell.get("active_days"), cell.get("days")
    on_time, late = cell.get("on_time"), cell.get("late")
    return on_time, None if on_time is None or late is None else on_time + late


def share_number(cell) -> float | None:
    """The share kept in per cent with one decimal (a chart's point), None when hidden or
    nothing to share."""
    kept, total = share_parts(cell)
    if kept is None or not total:
        return None
    return round(100 * kept / total, 1)


def below_goal(cell, goal) -> bool:
    kept, total = share_parts(cell)
    return bool(kept is not None and total and goal is not None and kept * 100 < goal * total)


def share_cell(cell, goal=None) -> Cell:
    """The printed share (`share` of the figures), flagged under the goal; hidden: "dolt"."""
    if cell is ABSENT or not isinstance(cell, dict):
        return missing()
    if cell.get("share") is None:
        return hidden_derived()
    return Cell(cell["share"], flag=below_goal(cell, goal))


def verdict_cell(row, goals) -> Cell:
    """Which measures of a row are under their goals ("Når målen" when none)."""
    if row is ABSENT or not isinstance(row, dict):
        return missing()
    below = [
        str(TIMELINESS_MEASURES[m]).lower()
        for m in MEASURES
        if below_goal(row.get(m), (goals or {}).get(m))
    ]
    if below:
        return text_cell(_("Under målet: %(measures)s") % {"measures": ", ".join(below)}, flag=True)
    if any(share_cell(row.get(m)).hidden for m in MEASURES):
        return hidden_derived()
    return text_cell(_("Når målen"))


def detail_table(row, goals, *, key: str, caption: str, csv_url: str = "") -> Table:
    """One row's measures in full: cases, on time, late or missed, not yet due, the share,
    the goal and the verdict."""
    table = Table(
        key=key,
        caption=caption,
        columns=[
            Column(_("Frist"), num=False),
            Column(_("Ärenden")),
            Column(_("I tid")),
            Column(_("Sent eller missat")),
            Column(_("Ej passerat")),
            Column(_("Inskrivna dagar")),
            Column(_("Dagar med insats")),
            Column(_("Andel")),
            Column(_("Mål")),
            Column(_("Jämfört med målet"), num=False),
        ],
        empty_text=_("Inga siffror att visa."),
        csv_url=csv_url,
    )
    if not isinstance(row, dict):
        return table
    for measure in MEASURES:
        cell = row.get(measure) or {}
        goal = (goals or {}).get(measure)
        deadline = measure in DEADLINE_MEASURES
        shared = share_cell(cell, goal)
        verdict = (
            hidden_derived()
            if shared.hidden
            else text_cell(_("Under målet"), flag=True)
            if shared.flag
            else text_cell(_("Når målet"))
            if share_number(cell) is not None
            else missing()
        )
        table.rows.append(
            Row(
                header=Cell(str(TIMELINESS_MEASURES[measure])),
                cells=[
                    count_cell(cell.get("cases"), mark_of(cell, "cases")),
                    *(
                        count_cell(cell.get(part), mark_of(cell, part)) if deadline else missing()
                        for part in ("on_time", "late", "open")
                    ),
                    *(
                        missing() if deadline else count_cell(cell.get(part))
                        for part in ("days", "active_days")
                    ),
                    shared,
                    missing() if goal is None else Cell(f"{goal}%"),
                    verdict,
                ],
                warning=shared.flag,
            )
        )
    return table


def timeliness_section(board: Dashboard, csv_url, page_url: str = "") -> Section:
    columns = [Column(_("Månad"), num=False)]
    columns += [Column(str(TIMELINESS_MEASURES[m])) for m in MEASURES]
    columns += [Column(_("Jämfört med målen"), num=False), Column(_("Version"))]
    table = Table(
        key="tidsfrister",
        caption=_("Andel av fristerna som hölls per månad, jämfört med målen"),
        columns=columns,
        empty_text=_("Inga månader att visa."),
        csv_url=csv_url("tidsfrister"),
    )
    series = {measure: [] for measure in MEASURES}
    goals = {measure: [] for measure in MEASURES}
    for month in board.months:
        figures = month.timeliness or {}
        month_goals = figures.get("goals") or {}
        for measure in MEASURES:
            goals[measure].append(month_goals.get(measure))
            series[measure].append(share_number(dig(figures, "total", measure)))
        if month.gap:
            table.rows.append(gap_row(month, len(columns)))
            continue
        row = dig(figures, "total")
        verdict = verdict_cell(row, month_goals)
        cells = [share_cell(dig(row, m), month_goals.get(m)) for m in MEASURES]
        table.rows.append(
            Row(
                header=Cell(month.label),
                cells=[*cells, verdict, version_cell(month)],
                warning=verdict.flag,
            )
        )
    section = Section(
        key="tidsfrister",
        title=_("Tidsfrister"),
        lead=_(
            "Hur fristerna hölls varje månad: behovsanalysen startad inom gränsen efter "
            "beredningsgruppen, uppföljning inom intervallet, slutdokumentationen i tid och en "
            "individuell plan före introduktion och prövning (andelen ärenden med en frist under "
            "månaden som höll alla), och andelen inskrivna dagar med en pågående insats. Målen "
            "är regelverkets (streckade linjer)."
        ),
        tables=[table],
    )
    newest = board.newest
    if newest is not None and not newest.gap and newest.timeliness:
        section.tables.append(
            detail_table(
                newest.timeliness.get("total"),
                newest.timeliness.get("goals"),
                key="tidsfrister-manad",
                caption=_("Fristerna %(month)s i detalj") % {"month": newest.label},
                csv_url=csv_url("tidsfrister-manad"),
            )
        )
    if page_url:
        section.links.append(
            (page_url, _("Tidsfrister för valfri period, per team och handläggare"))
        )
    if board.months:
        labels = [m.label for m in board.months]
        for measure in MEASURES:
            name = str(TIMELINESS_MEASURES[measure])
            newest_value = series[measure][-1]
            alt = _(
                "Linjediagram: %(measure)s, andel per månad, och målet (streckad linje), "
                "%(span)s. %(month)s: %(value)s, mål %(goal)s."
            ) % {
                "measure": name.lower(),
                "span": span(board.months),
                "month": board.months[-1].label,
                "value": "–" if newest_value is None else f"{newest_value:g}%".replace(".", ","),
                "goal": "–" if goals[measure][-1] is None else f"{goals[measure][-1]}%",
            }
            section.charts.append(
                charts.line_chart(
                    labels=labels,
                    series=[
                        charts.Series(name, series[measure], "primary"),
                        charts.Series(_("Mål (streckad)"), goals[measure], "goal"),
                    ],
                    alt=alt,
                    percent=True,
                    height=SMALL_CHART,
                )
            )
    return section
