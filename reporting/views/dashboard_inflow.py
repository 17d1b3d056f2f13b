"""The dashboard's inflow sections (SPEC §5 "Inflow", "Dashboards"): new participants per month
against the work plan, and the young among them, over the last 24 report months. "Under plan"
is reporting.targets.inflow_below_plan (exact integer arithmetic, actual × 100 < planned × (100 −
tolerance)), the test the deviation reports follow, so the two never disagree."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .. import charts
from ..metrics.printing import printed_share
from ..targets import inflow_below_plan
from .dashboard import Dashboard
from .dashboard_tables import (
    ABSENT,
    Cell,
    Column,
    Row,
    Section,
    Table,
    chart_value,
    dig,
    gap_row,
    half_up_percent,
    hidden_derived,
    mark_of,
    missing,
    span,
    spoken,
    text_cell,
    value_cell,
    version_cell,
)

# --- inflow vs plan ---------------------------------------------------------------------------


def _inflow_status(actual, target) -> Cell:
    planned, tolerance = target.planned_inflow, target.tolerance_percent
    if planned is None or actual is ABSENT:
        return missing()
    if actual is None:
        return hidden_derived()
    if inflow_below_plan(actual=actual, planned=planned, tolerance_percent=tolerance or 0):
        return text_cell(_("Under plan"), flag=True)
    return text_cell(_("Enligt plan"))


def inflow_section(board: Dashboard, csv_url) -> Section:
    columns = [
        Column(_("Månad"), num=False),
        Column(_("Nya deltagare")),
        Column(_("Planerat inflöde")),
        Column(_("Andel av planen")),
        Column(_("Jämfört med planen"), num=False),
        Column(_("Kvinnor")),
        Column(_("Män")),
        Column(_("Version")),
    ]
    table = Table(
        key="inflode",
        caption=_("Nya deltagare per månad jämfört med arbetsplanen"),
        columns=columns,
        empty_text=_("Inga månader att visa."),
        csv_url=csv_url("inflode"),
    )
    actual_series, plan_series = [], []
    for month in board.months:
        planned = month.target.planned_inflow
        plan_series.append(planned)
        if month.gap:
            table.rows.append(gap_row(month, len(columns)))
            actual_series.append(None)
            continue
        period = dig(month.inflow, "period")
        actual = dig(period, "all", "count")
        actual_series.append(chart_value(actual))
        if planned is None:
            share = missing()
        elif actual is None:
            share = hidden_derived()
        elif actual is ABSENT or planned == 0:
            share = missing()
        else:
            share = Cell(f"{half_up_percent(actual, planned)}%")
        status = _inflow_status(actual, month.target)
        table.rows.append(
            Row(
                header=Cell(month.label),
                cells=[
                    value_cell(actual, mark_of(dig(period, "all"), "count")),
                    missing() if planned is None else Cell(str(planned)),
                    share,
                    status,
                    value_cell(dig(period, "K", "count"), mark_of(dig(period, "K"), "count")),
                    value_cell(dig(period, "M", "count"), mark_of(dig(period, "M"), "count")),
                    version_cell(month),
                ],
                warning=status.flag,
            )
        )
    section = Section(
        key="inflode",
        title=_("Inflöde jämfört med plan"),
        lead=_national_plan_note(board),
        tables=[table],
    )
    if board.months:
        newest = board.newest
        alt = _(
            "Linjediagram: nya deltagare per månad och arbetsplanens planerade inflöde "
            "(streckad linje), %(span)s. %(month)s: nya deltagare %(actual)s, plan %(plan)s."
        ) % {
            "span": span(board.months),
            "month": newest.label,
            "actual": spoken(dig(newest.inflow, "period", "all", "count")),
            "plan": spoken(
                ABSENT if newest.target.planned_inflow is None else newest.target.planned_inflow
            ),
        }
        section.charts.append(
            charts.line_chart(
                labels=[m.label for m in board.months],
                series=[
                    charts.Series(_("Nya deltagare"), actual_series, "primary"),
                    charts.Series(_("Planerat inflöde (streckad)"), plan_series, "goal"),
                ],
                alt=alt,
                y_title=_("Antal"),
            )
        )
    return section


def _national_plan_note(board: Dashboard) -> str:
    if board.area is not None:
        return _(
            "Planen är områdets arbetsplan för månadens år; saknas arbetsplan visas planen "
            "som saknad (–). Under plan: mer än arbetsplanens tolerans under planen, samma "
            "regel som avvikelserapporterna följer."
        )
    if board.region is not None:
        return _(
            "%(group)s har ingen egen arbetsplan: planen är summan av de %(n)s områdenas "
            "arbetsplaner och visas bara när alla har en plan för året (annars saknas planen, "
            "–). Mål och tolerans är regelverkets nationella, eftersom områdenas planer kan "
            "sätta egna mål."
        ) % {
            "group": _("De valda områdena") if board.chosen else _("Regionen"),
            "n": board.national_plan_areas,
        }
    return _(
        "Riket har ingen egen arbetsplan: planen är summan av områdenas arbetsplaner och visas "
        "bara när alla %(n)s aktiva områden har en plan för året. Mål och tolerans är "
        "regelverkets nationella."
    ) % {"n": board.national_plan_areas}


# --- young inflow -----------------------------------------------------------------------------


def _young_share(part) -> Cell:
    count, young, share = dig(part, "count"), dig(part, "young"), dig(part, "young_share")
    if count is ABSENT or young is ABSENT:
        return missing()
    if count is None or young is None or share is None:
        return hidden_derived()
    return Cell(printed_share(young, count))


def young_section(board: Dashboard, csv_url) -> Section:
    columns = [
        Column(_("Månad"), num=False),
        Column(_("Nya deltagare")),
        Column(_("Unga")),
        Column(_("Andel unga")),
        Column(_("Unga kvinnor")),
        Column(_("Unga män")),
        Column(_("Version")),
    ]
    table = Table(
        key="unga",
        caption=_("Unga bland de nya deltagarna per månad"),
        columns=columns,
        empty_text=_("Inga månader att visa."),
        csv_url=csv_url("unga"),
    )
    all_series, young_series = [], []
    for month in board.months:
        if month.gap:
            table.rows.append(gap_row(month, len(columns)))
            all_series.append(None)
            young_series.append(None)
            continue
        period = dig(month.inflow, "period")
        everyone = dig(period, "all")
        all_series.append(chart_value(dig(everyone, "count")))
        young_series.append(chart_value(dig(everyone, "young")))
        table.rows.append(
            Row(
                header=Cell(month.label),
                cells=[
                    value_cell(dig(everyone, "count"), mark_of(everyone, "count")),
                    value_cell(dig(everyone, "young"), mark_of(everyone, "young")),
                    _young_share(everyone),
                    value_cell(dig(period, "K", "young"), mark_of(dig(period, "K"), "young")),
                    value_cell(dig(period, "M", "young"), mark_of(dig(period, "M"), "young")),
                    version_cell(month),
                ],
            )
        )
    section = Section(
        key="unga",
        title=_("Unga deltagares inflöde"),
        lead=_(
            "Unga: deltagare som vid starten inte var äldre än regelverkets åldersgräns för unga."
        ),
        tables=[table],
    )
    if board.months:
        newest = board.newest
        alt = _(
            "Stapeldiagram: nya deltagare och unga bland dem per månad, %(span)s. "
            "%(month)s: nya deltagare %(all)s, unga %(young)s."
        ) % {
            "span": span(board.months),
            "month": newest.label,
            "young": spoken(dig(newest.inflow, "period", "all", "young")),
            "all": spoken(dig(newest.inflow, "period", "all", "count")),
        }
        section.charts.append(
            charts.bar_chart(
                labels=[m.label for m in board.months],
                series=[
                    charts.Series(_("Nya deltagare"), all_series, "bar"),
                    charts.Series(_("Unga"), young_series, "bar_second"),
                ],
                alt=alt,
                y_title=_("Antal"),
            )
        )
    return section
