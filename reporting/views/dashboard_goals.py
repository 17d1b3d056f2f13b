"""The dashboard's goal sections (SPEC §5 "Outcome at day 365", "Average days", "Dashboards"):
the share in work or education at day 365 for women and men against the goal, and the average
days in samverkan against the goal, over the last 24 report months. The goal a cohort is held
against and "Under målet" are reporting.targets' (the cohort's start year's goal; in work ×
100 < goal × measured), the very ones the deviation reports follow; so is "Över målet" for the
days (the days of all who ended > goal × their number). Both goals hold for women and men each."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .. import charts, suppression
from ..metrics.printing import printed_share
from ..targets import SEXES, cohort_month, sexes_above_days_goal, sexes_below_share_goal
from .dashboard import Dashboard
from .dashboard_tables import (
    ABSENT,
    WORK,
    Cell,
    Column,
    Row,
    Section,
    Table,
    count_cell,
    dig,
    gap_row,
    hidden_count,
    hidden_derived,
    mark_of,
    missing,
    span,
    spoken,
    text_cell,
    version_cell,
)

# --- day-365 share vs goal --------------------------------------------------------------------

GROUPS = (("K", "sex", "K"), ("M", "sex", "M"), ("all", "total", "total"))


def share_parts(row) -> tuple[Cell, Cell, Cell, float | None, str]:
    """(in work or education, measured, share) cells, the share as a number for the chart, and
    the goal state: 'hidden', 'none' (nobody measured) or 'ok'."""
    counted, total = dig(row, "counts", WORK), dig(row, "total")
    stored_share = dig(row, "shares", WORK)
    if counted is ABSENT or total is ABSENT:
        return missing(), missing(), missing(), None, "none"
    if counted is None or total is None or stored_share is None:
        share = hidden_derived()
        counted_cell = count_cell(counted, mark_of(row, WORK))
        return counted_cell, count_cell(total, mark_of(row, "total")), share, None, "hidden"
    if total == 0:
        return Cell("0"), Cell("0"), missing(), None, "none"
    number = round(100 * counted / total, 1)
    return Cell(str(counted)), Cell(str(total)), Cell(printed_share(counted, total)), number, "ok"


def _share_figures(row, rolling: bool):
    """One sex's (in work or education, measured) as reporting.targets' verdict reads them:
    None when the figures have none, (None, None) when hidden from the reader (as share_parts
    says "hidden")."""
    if rolling:
        return row
    counted, total = dig(row, "counts", WORK), dig(row, "total")
    if counted is ABSENT or total is ABSENT:
        return None
    if counted is None or total is None or dig(row, "shares", WORK) is None:
        return (None, None)
    return (counted, total)


def _window_choices() -> list[tuple[int, str]]:
    """Each month alone, then the rolling windows suppression knows (ROLLING_WINDOWS)."""
    return [(1, _("varje månad"))] + [
        (n, _("rullande %(n)s månader") % {"n": n}) for n in suppression.ROLLING_WINDOWS
    ]


def _window_parts(counts) -> tuple[Cell, Cell, Cell, float | None, str]:
    """share_parts for a rolling window's (in work, measured) sums."""
    if counts is None:
        return missing(), missing(), missing(), None, "none"
    counted, total = counts
    if counted is None or total is None:
        return count_cell(counted), count_cell(total), hidden_derived(), None, "hidden"
    if total == 0:
        return Cell("0"), Cell("0"), missing(), None, "none"
    number = round(100 * counted / total, 1)
    return Cell(str(counted)), Cell(str(total)), Cell(printed_share(counted, total)), number, "ok"


def _window_rows(board: Dashboard, month) -> dict:
    """The month's rows as the table reads them: the stored figures, or the window's sums."""
    if board.window == 1:
        return {key: dig(month.outcomes, "rows", dim, level) for key, dim, level in GROUPS}
    sums = board.rolling.get(month.day)
    rows = {key: (sums or {}).get(key) for key in ("K", "M")}
    shown = [rows["K"], rows["M"]]
    if all(part is not None and None not in part for part in shown):
        rows["all"] = (rows["K"][0] + rows["M"][0], rows["K"][1] + rows["M"][1])
    else:
        rows["all"] = (None, None) if sums else None
    return rows


def _share_verdict(by_sex, goal: int | None, names) -> Cell:
    """ "Under målet: kvinnor" when the women's share is below the goal, whatever the men's and
    the share of all (reporting.targets.sexes_below_share_goal, the deviation detection's rule
    too); "Når målet" when both sexes are measured and neither is below."""
    if goal is None:
        return missing()
    verdict = sexes_below_share_goal(by_sex, goal)
    if verdict.off:
        below = ", ".join(names[sex].lower() for sex in verdict.off)
        return text_cell(_("Under målet: %(groups)s") % {"groups": below}, flag=True)
    if verdict.hidden:
        return hidden_derived()
    if len(verdict.judged) == len(SEXES):
        return text_cell(_("Når målet"))
    return missing()


def outcome_section(board: Dashboard, csv_url, window_url=None) -> Section:
    names = {"K": _("Kvinnor"), "M": _("Män"), "all": _("Alla")}
    rolling = board.window > 1
    columns = [
        Column(_("Rapportmånad"), num=False),
        Column(_("Startkohorter") if rolling else _("Startkohort"), num=False),
    ]
    for key, _dim, _level in GROUPS:
        columns += [
            Column(_("I arbete/utb."), group=names[key]),
            Column(_("Mätta"), group=names[key]),
            Column(_("Andel"), group=names[key]),
        ]
    columns += [
        Column(_("Mål (startårets)")),
        Column(_("Jämfört med målet"), num=False),
        Column(_("Version")),
    ]
    caption = _("Andel i arbete eller utbildning dag 365, kvinnor och män, jämfört med målet")
    if rolling:
        caption = _(
            "Andel i arbete eller utbildning dag 365 över rullande %(n)s månader, kvinnor och "
            "män, jämfört med målet"
        ) % {"n": board.window}
    table = Table(
        key="dag365",
        caption=caption,
        columns=columns,
        empty_text=_("Inga månader att visa."),
        csv_url=csv_url("dag365"),
    )
    series = {key: [] for key, _dim, _level in GROUPS}
    goals = []
    parts_of = _window_parts if rolling else share_parts
    for index, month in enumerate(board.months):
        goal = month.target.goal_share_percent
        goals.append(goal)
        first = board.months[max(0, index - board.window + 1)]
        cohorts = f"{cohort_month(month.day):%Y-%m}"
        if rolling:
            # Two months and a non-breaking dash: a date is never wrapped.
            cohorts = f"{cohort_month(first.day):%Y-%m}\u2011{cohorts}"
        cohort = Cell(cohorts)
        if month.gap:
            row = gap_row(month, len(columns) - 1)
            row.cells.insert(0, cohort)
            table.rows.append(row)
            for values in series.values():
                values.append(None)
            continue
        rows = _window_rows(board, month)
        cells = [cohort]
        for key, _dim, _level in GROUPS:
            counted, total, share, number, _state = parts_of(rows[key])
            cells += [counted, total, share]
            series[key].append(number)
        verdict = _share_verdict(
            {sex: _share_figures(rows[sex], rolling) for sex in SEXES}, goal, names
        )
        cells += [missing() if goal is None else Cell(f"{goal}%"), verdict, version_cell(month)]
        table.rows.append(Row(header=Cell(month.label), cells=cells, warning=verdict.flag))
    section = Section(
        key="dag365",
        title=_("I arbete eller utbildning dag 365, jämfört med målet"),
        lead=_(
            "Rapportmånaden visar de deltagare som började i samverkan tolv månader tidigare "
            "(startkohorten), med sin status dag 365. Målet gäller kvinnor och män var för sig "
            "och är målet för det år kohorten startade (områdets arbetsplan det året; för flera "
            "områden tillsammans och för riket regelverkets mål det året): rapportmånad 2012-01 "
            "mäter kohorten 2011-01 mot 2011 års mål."
        )
        + (
            " "
            + _(
                "Över ett rullande fönster räknas kohorterna i fönstret ihop, och andelen hålls "
                "mot målet för den senaste kohortens år."
            )
            if rolling
            else ""
        ),
        tables=[table],
    )
    if window_url is not None:
        section.choices = [
            (window_url(n), label, n == board.window) for n, label in _window_choices()
        ]
    if board.months:
        newest = board.newest
        parts = {}
        newest_rows = _window_rows(board, newest)
        for key, _dim, _level in GROUPS:
            shown = parts_of(newest_rows[key])[2]
            parts[key] = shown.text
        alt = _(
            "Linjediagram: andel i arbete eller utbildning dag 365 för kvinnor, män och alla, "
            "och målet (streckad linje), %(span)s. %(month)s: kvinnor %(K)s, män %(M)s, "
            "alla %(all)s, mål %(goal)s."
        ) % {
            "span": span(board.months),
            "month": newest.label,
            # The goal and the year whose plan it is (the cohort's start year).
            "goal": f"{newest.target.goal_share_percent}% ({newest.target.goal_share_year})"
            if newest.target.goal_share_percent is not None
            else _("saknas"),
            **parts,
        }
        if rolling:
            alt = _("Rullande %(n)s månader.") % {"n": board.window} + " " + alt
        section.charts.append(
            charts.line_chart(
                labels=[m.label for m in board.months],
                series=[
                    charts.Series(_("Kvinnor"), series["K"], "women"),
                    charts.Series(_("Män"), series["M"], "men"),
                    charts.Series(_("Alla"), series["all"], "all"),
                    charts.Series(_("Mål (streckad)"), goals, "goal"),
                ],
                alt=alt,
                percent=True,
                y_title=_("Andel i arbete eller utbildning")
                if not rolling
                else _("Andel, rullande %(n)s månader") % {"n": board.window},
            )
        )
    return section


# --- average days vs goal ---------------------------------------------------------------------


def _mean_cell(part) -> tuple[Cell, Cell, int | None]:
    """(ended, mean days) cells and the mean for the chart."""
    count, mean = dig(part, "count"), dig(part, "mean_days")
    if count is ABSENT:
        return missing(), missing(), None
    if count is None:
        return hidden_count(mark_of(part, "count")), hidden_derived(), None
    if count == 0:
        return Cell("0"), missing(), None
    if mean is None or mean is ABSENT:
        return Cell(str(count)), hidden_derived(), None
    return Cell(str(count)), Cell(str(mean)), mean


def _days_figures(part):
    """One sex's (days in all, ended) as reporting.targets' verdict reads them: None when
    nobody ended (or the figures have none), (None, None) when hidden from the reader."""
    ended, days_total = dig(part, "count"), dig(part, "days_total")
    if ended is ABSENT or ended == 0:
        return None
    if ended is None or days_total is None or days_total is ABSENT:
        return (None, None)
    return (days_total, ended)


def _days_verdict(rows, goal: int | None) -> Cell:
    """The goal holds for women and men each (reporting.targets.sexes_above_days_goal, the
    deviation detection's rule too): "Över målet: kvinnor" when the women's mean is above it,
    whatever the men's and the mean of all."""
    if goal is None:
        return missing()
    names = {"K": _("kvinnor"), "M": _("män")}
    verdict = sexes_above_days_goal(
        {sex: _days_figures(dig(rows, "sex", sex, "all")) for sex in SEXES}, goal
    )
    if verdict.off:
        above = ", ".join(names[sex] for sex in verdict.off)
        return text_cell(_("Över målet: %(groups)s") % {"groups": above}, flag=True)
    if verdict.hidden:
        return hidden_derived()
    if not verdict.judged:
        return missing()
    return text_cell(_("Inom målet"))


def days_section(board: Dashboard, csv_url) -> Section:
    columns = [
        Column(_("Månad"), num=False),
        Column(_("Avslutade")),
        Column(_("Genomsnitt, dagar")),
        Column(_("Kvinnor, dagar")),
        Column(_("Män, dagar")),
        Column(_("Avslutade till arbete eller utbildning")),
        Column(_("Deras genomsnitt, dagar")),
        Column(_("Mål, högst dagar")),
        Column(_("Jämfört med målet"), num=False),
        Column(_("Version")),
    ]
    table = Table(
        key="tid",
        caption=_("Genomsnittlig tid i samverkan för dem som avslutades, jämfört med målet"),
        columns=columns,
        empty_text=_("Inga månader att visa."),
        csv_url=csv_url("tid"),
    )
    series = {"all": [], "K": [], "M": []}
    goals = []
    for month in board.months:
        goal = month.target.goal_average_days
        goals.append(goal)
        if month.gap:
            table.rows.append(gap_row(month, len(columns)))
            for values in series.values():
                values.append(None)
            continue
        rows = dig(month.average_days, "rows")
        ended, mean, mean_value = _mean_cell(dig(rows, "total", "total", "all"))
        _n, women, women_value = _mean_cell(dig(rows, "sex", "K", "all"))
        _n, men, men_value = _mean_cell(dig(rows, "sex", "M", "all"))
        to_work, to_work_mean, _v = _mean_cell(dig(rows, "total", "total", WORK))
        series["all"].append(mean_value)
        series["K"].append(women_value)
        series["M"].append(men_value)
        verdict = _days_verdict(rows, goal)
        table.rows.append(
            Row(
                header=Cell(month.label),
                cells=[
                    ended,
                    mean,
                    women,
                    men,
                    to_work,
                    to_work_mean,
                    missing() if goal is None else Cell(str(goal)),
                    verdict,
                    version_cell(month),
                ],
                warning=verdict.flag,
            )
        )
    section = Section(
        key="tid",
        title=_("Genomsnittlig tid i samverkan, jämfört med målet"),
        lead=_(
            "Medelvärdet av dagarna från start till avslut för dem som avslutades under "
            "månaden. Målet är ett högsta antal dagar och gäller kvinnor och män var för sig."
        ),
        tables=[table],
    )
    if board.months:
        newest = board.newest
        newest_mean = _mean_cell(dig(newest.average_days, "rows", "total", "total", "all"))[1]
        alt = _(
            "Linjediagram: genomsnittlig tid i samverkan i dagar för alla, kvinnor och män, och "
            "målet (streckad linje), %(span)s. %(month)s: genomsnitt %(mean)s dagar, mål "
            "högst %(goal)s."
        ) % {
            "span": span(board.months),
            "month": newest.label,
            "mean": newest_mean.text,
            "goal": spoken(
                ABSENT
                if newest.target.goal_average_days is None
                else newest.target.goal_average_days
            ),
        }
        section.charts.append(
            charts.line_chart(
                labels=[m.label for m in board.months],
                series=[
                    charts.Series(_("Alla"), series["all"], "all"),
                    charts.Series(_("Kvinnor"), series["K"], "women"),
                    charts.Series(_("Män"), series["M"], "men"),
                    charts.Series(_("Mål, högst (streckad)"), goals, "goal"),
                ],
                alt=alt,
                y_title=_("Dagar"),
            )
        )
    return section
