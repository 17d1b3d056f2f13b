"""The dashboard's forecast of the day-365 share (reporting.metrics.forecast): where the start
cohorts that have not reached day 365 will land, for women and men, as a dashed continuation of
the last twelve report months' shares against the goal, and a table of each month, the calendar
year and the twelve months ahead with a 95 % interval.

A forecast is of the day it is made: it is computed when the page is read (three grouped
queries, kept for an hour: metrics.forecast.forecast_kept), not stored in the monthly snapshots.

Small cells: for roles that see suppressed figures a group's forecast is shown only when at
least SMALL_CELL are measured and its part already past day 365 would itself pass the small-cell
rule (none or at least SMALL_CELL in work or education, and likewise not in work), so a
forecast never gives away a hidden count of those whose outcome is known."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from .. import charts
from ..metrics.forecast import forecast_kept
from ..suppression import SMALL_CELL
from .dashboard import Dashboard
from .dashboard_goals import GROUPS, share_parts
from .dashboard_tables import Cell, Column, Row, Section, Table, dig, hidden_derived, missing

PAST_MONTHS = 12  # report months of outcomes drawn before the forecast


def _visible(figures: dict, hide: bool) -> bool:
    if not hide:
        return True
    measured, known, in_work = figures["measured"], figures["known"], figures["known_woe"]
    return measured >= SMALL_CELL and all(
        n == 0 or n >= SMALL_CELL for n in (in_work, known - in_work)
    )


def _percent(value: float) -> str:
    """A share as the tables print it: whole per cent, halves up."""
    return f"{int(value + 0.5)}%"


def _cells(figures: dict, hide: bool) -> list[Cell]:
    """Measured, the forecast share and its interval."""
    if not figures["measured"]:
        return [Cell("0"), missing(), missing()]
    if not _visible(figures, hide):
        return [hidden_derived(), hidden_derived(), hidden_derived()]
    if figures["share"] is None:
        return [Cell(str(figures["measured"])), missing(), missing()]
    interval = f"{int(figures['low'] + 0.5)}\u2013{_percent(figures['high'])}"
    return [
        Cell(str(figures["measured"]), value=figures["measured"]),
        Cell(_percent(figures["share"]), value=figures["share"] / 100, share=True),
        Cell(interval),
    ]


def _verdict(row: dict, goal: int | None, hide: bool, names: dict) -> Cell:
    """Whether the goal is within reach: the whole interval under it, over it, or neither."""
    if goal is None:
        return missing()
    verdicts: dict[str, list[str]] = {}
    for key in ("K", "M"):
        figures = row[key]
        if figures["share"] is None or not _visible(figures, hide):
            continue
        if figures["high"] < goal:
            verdict = _("troligen under målet")
        elif figures["low"] >= goal:
            verdict = _("troligen når målet")
        else:
            verdict = _("osäkert")
        verdicts.setdefault(verdict, []).append(names[key].lower())
    if not verdicts:
        return missing()
    if len(verdicts) == 1:  # women and men alike (or only one of them shown)
        ((verdict, who),) = verdicts.items()
        text = verdict if len(who) == 2 else f"{who[0]}: {verdict}"
    else:
        text = "; ".join(f"{who[0]}: {verdict}" for verdict, who in verdicts.items())
    return Cell(text[0].upper() + text[1:])


def forecast_section(board: Dashboard, csv_url, as_of: dt.date) -> Section:
    names = {"K": _("Kvinnor"), "M": _("Män"), "all": _("Alla")}
    hide = board.hide_small_cells
    result = forecast_kept(as_of=as_of, area_ids=board.area_ids)
    months = [dt.date.fromisoformat(f"{row['month']}-01") for row in result["months"]]
    targets = board.targets(months)
    columns = [Column(_("Rapportmånad"), num=False), Column(_("Startkohort"), num=False)]
    for key, _dim, _level in GROUPS:
        columns += [
            Column(_("Mätta"), group=names[key]),
            Column(_("Prognos"), group=names[key]),
            Column(_("Intervall"), num=False, group=names[key]),
        ]
    columns += [Column(_("Mål (startårets)")), Column(_("Mot målet"), num=False)]
    table = Table(
        key="prognos",
        caption=_(
            "Prognos: andel i arbete eller utbildning dag 365 för kohorter som ännu inte nått "
            "dag 365, med 95 %-intervall"
        ),
        columns=columns,
        empty_text=_("Inget att visa."),
        csv_url=csv_url("prognos"),
    )
    for day, row in zip(months, result["months"], strict=True):
        goal = targets[day].goal_share_percent
        cells = [Cell(row["cohort"])]
        for key, _dim, _level in GROUPS:
            cells += _cells(row[key], hide)
        cells += [missing() if goal is None else Cell(f"{goal}%"), _verdict(row, goal, hide, names)]
        table.rows.append(Row(header=Cell(row["month"]), cells=cells))
    year = result["year"]
    year_goal = board.targets([dt.date(year["year"], 1, 1)])[
        dt.date(year["year"], 1, 1)
    ].goal_share_percent
    summaries = [
        (
            _("Året %(year)s") % {"year": year["year"]},
            _("%(year)s, hela året") % {"year": year["year"] - 1},
            year,
            year_goal,
        ),
        (
            _("Kommande tolv"),
            f"{result['months'][0]['cohort']}\u2011{result['months'][-1]['cohort']}",
            result["ahead"],
            None,
        ),
    ]
    table.rows.append(Row(header=Cell(_("Sammanlagt")), cells=[], section=True))
    for label, cohorts, figures, goal in summaries:
        cells = [Cell(cohorts)]
        for key, _dim, _level in GROUPS:
            cells += _cells(figures[key], hide)
        cells += [
            missing() if goal is None else Cell(f"{goal}%"),
            _verdict(figures, goal, hide, names),
        ]
        table.rows.append(Row(header=Cell(label), cells=cells))

    section = Section(
        key="prognos",
        title=_("Prognos för dag 365"),
        lead=_(
            "Prognosen gäller de startkohorter som ännu inte nått dag 365, beräknad "
            "%(day)s. Den som redan passerat dag 365 räknas med sitt utfall. För övriga används "
            "deras status vid den senaste 30-dagarsgränsen (dag 0, 30 … 330) och hur det gick "
            "dag 365 för tidigare deltagare med samma status vid samma gräns: områdets "
            "%(earlier)s deltagare som nått dag 365 de senaste 24 månaderna, där få har stått "
            "kompletterat med rikets. Intervallet rymmer utfallet med 95 procents sannolikhet "
            "om det går som för de tidigare; ”troligen under målet” betyder att hela intervallet "
            "ligger under målet."
        )
        % {"day": as_of.isoformat(), "earlier": result["earlier_cases"]},
        tables=[table],
    )
    section.charts.append(_chart(board, result, months, targets, hide))
    return section


def _chart(board: Dashboard, result: dict, months, targets, hide: bool) -> charts.Chart:
    """The last twelve report months' shares, then the forecast as dashed lines from the last
    month with a share, and the goal."""
    past = [m for m in board.months[-PAST_MONTHS:] if m.day < months[0]]
    labels = [m.label for m in past] + [row["month"] for row in result["months"]]
    actual = {"K": [], "M": []}
    ahead = {"K": [], "M": []}
    goals = [m.target.goal_share_percent for m in past]
    goals += [targets[day].goal_share_percent for day in months]
    for month in past:
        for key in actual:
            row = None if month.gap else dig(month.outcomes, "rows", "sex", key)
            actual[key].append(None if row is None else share_parts(row)[3])
            ahead[key].append(None)
    for key in ahead:
        # Joined to the last month drawn, so the dashed line continues the solid one.
        if actual[key] and actual[key][-1] is not None:
            ahead[key][-1] = actual[key][-1]
        for row in result["months"]:
            figures = row[key]
            shown = figures["share"] is not None and _visible(figures, hide)
            ahead[key].append(figures["share"] if shown else None)
            actual[key].append(None)
    first = result["months"][0]
    alt = _(
        "Linjediagram: andel i arbete eller utbildning dag 365 för kvinnor och män, de senaste "
        "rapportmånaderna och prognosen (streckade linjer) till och med %(last)s, och målet. "
        "Prognos %(month)s: kvinnor %(K)s, män %(M)s."
    ) % {
        "last": result["months"][-1]["month"],
        "month": first["month"],
        "K": _spoken(first["K"], hide),
        "M": _spoken(first["M"], hide),
    }
    return charts.line_chart(
        labels=labels,
        series=[
            charts.Series(_("Kvinnor"), actual["K"], "women"),
            charts.Series(_("Män"), actual["M"], "men"),
            charts.Series(_("Prognos kvinnor"), ahead["K"], "women_forecast"),
            charts.Series(_("Prognos män"), ahead["M"], "men_forecast"),
            charts.Series(_("Mål (streckad)"), goals, "goal"),
        ],
        alt=alt,
        percent=True,
        y_title=_("Andel i arbete eller utbildning"),
    )


def _spoken(figures: dict, hide: bool) -> str:
    if figures["share"] is None:
        return _("saknas")
    if not _visible(figures, hide):
        return _("dolt")
    return _("%(share)s (intervall %(low)s–%(high)s)") % {
        "share": _percent(figures["share"]),
        "low": int(figures["low"] + 0.5),
        "high": _percent(figures["high"]),
    }
