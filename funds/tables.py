"""The funds follow-up's tables and charts (issue 21, item 4), built from funds.selectors' figures
with the report pages' table and chart structures (reporting.views.dashboard_tables, ADR 0010),
so the page, its CSV and its XLSX show the same cells. Amounts in thousands of kronor (tkr) as
Tabell 7 and 8 print them; a per-participant cost in whole kronor."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from reporting import charts
from reporting.charts import Series
from reporting.suppression import SMALL_CELL
from reporting.views.dashboard_tables import Cell, Column, Row, Table, hidden_derived, missing

from .selectors import tkr

NBSP = "\u00a0"


def grouped(number: int) -> str:
    """56099 → "56 099": the locale's grouping (Swedish: a no-break space, so a figure never
    wraps), Django's number_format as the templates' intcomma uses it; a minus sign, not a
    hyphen, before a negative amount."""
    text = number_format(abs(number), force_grouping=True)
    return f"−{text}" if number < 0 else text


def tkr_cell(amount: str) -> Cell:
    value = tkr(Decimal(amount))
    return Cell(grouped(value), value=value)


def share_cell(share: float | None) -> Cell:
    if share is None:
        return missing()
    percent = (Decimal(str(share)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return Cell(f"{percent}{NBSP}%", value=share, share=True)


def kronor_cell(per: dict) -> Cell:
    if per["hidden"]:
        return hidden_derived()
    if per["amount"] is None:
        return missing()
    value = int(Decimal(per["amount"]).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return Cell(grouped(value), value=value)


def fte_cell(value: str | None) -> Cell:
    if value is None:
        return hidden_derived()
    return Cell(value.replace(".", ","), value=float(value))


def agency_table(block: dict, *, year: int, period: str, last_month: str) -> Table:
    """One agency's consumption by activity in the layout of Tabell 7 and 8, with the year's
    allocation beside it."""
    code = block["agency"].lower()
    table = Table(
        key=f"forbrukning-{code}",
        caption=_("%(agency)s: förbrukning av medel per verksamhet, %(period)s (tkr)")
        % {"agency": block["name"], "period": period},
        columns=[
            Column(_("Verksamhet"), num=False),
            Column(_("Förbrukat under perioden")),
            Column(_("Tilldelat %(year)s") % {"year": year}),
            Column(_("Förbrukat %(year)s t.o.m. %(month)s") % {"year": year, "month": last_month}),
        ],
        empty_text=_("Myndigheten har inga verksamheter i kodlistan."),
    )

    def row(label: str, amounts: dict) -> Row:
        cells = [tkr_cell(amounts[k]) for k in ("consumed", "allocated", "consumed_year")]
        return Row(header=Cell(label), cells=cells)

    table.rows = [row(r["name"], r) for r in block["rows"]]
    if block["rows"]:
        table.rows += [
            row(_("Totalt"), block["total"]),
            row(_("Varav förvaltning"), block["administration"]),
            row(_("Varav program"), block["programme"]),
        ]
    return table


def summary_table(data: dict, *, period: str) -> Table:
    year = data["year"]
    table = Table(
        key="sammanfattning",
        caption=_("Förbrukning mot årets tilldelning och kostnad per deltagare, %(period)s")
        % {"period": period},
        columns=[
            Column(_("Myndighet"), num=False),
            Column(_("Förbrukat under perioden (tkr)")),
            Column(_("Tilldelat %(year)s (tkr)") % {"year": year}),
            Column(_("Andel av årets medel förbrukad")),
            Column(_("Andel av året som gått")),
            Column(_("Kostnad per ny deltagare (kr)")),
            Column(_("Kostnad per deltagare i arbete eller utbildning dag 365 (kr)")),
        ],
    )
    gone = share_cell(data["share_of_year_gone"])
    for label, totals, block in [
        *((b["name"], b["total"], b) for b in data["agencies"]),
        (_("Båda myndigheterna"), data["total"], data["total"]),
    ]:
        table.rows.append(
            Row(
                header=Cell(label),
                cells=[
                    tkr_cell(totals["consumed"]),
                    tkr_cell(totals["allocated"]),
                    share_cell(block["share_used"]),
                    gone,
                    kronor_cell(block["cost_per_new_participant"]),
                    kronor_cell(block["cost_per_work_or_education"]),
                ],
            )
        )
    return table


def staffing_table(months: list[dict], *, period: str) -> Table:
    fk, af = _("Försäkringskassan"), _("Arbetsförmedlingen")
    table = Table(
        key="bemanning",
        caption=_(
            "Bemanning enligt normerna, planerad och registrerad, %(period)s (årsarbetskrafter)"
        )
        % {"period": period},
        columns=[
            Column(_("Månad"), num=False),
            Column(_("Aktiva deltagare")),
            Column(_("Enligt normen"), group=fk),
            Column(_("Planerad"), group=fk),
            Column(_("Registrerad arbetstid"), group=fk),
            Column(_("Enligt normen"), group=af),
            Column(_("Planerad"), group=af),
            Column(_("Registrerad arbetstid"), group=af),
            Column(_("Förvaltningskostnad enligt normen (tkr)")),
        ],
    )
    for month in months:
        active = (
            Cell(f"<{SMALL_CELL}", hidden=True)
            if month["hidden"]
            else Cell(str(month["active"]), value=month["active"])
        )
        cells = [active]
        for code in ("fk", "af"):
            agency = month[code]
            cells += [
                fte_cell(agency["need"]),
                fte_cell(agency["planned"]),
                fte_cell(agency["recorded"]),
            ]
        if month["hidden"]:
            cells.append(hidden_derived())
        elif month["cost"] is None:
            cells.append(missing())
        else:
            cells.append(tkr_cell(month["cost"]))
        table.rows.append(Row(header=Cell(month["month"]), cells=cells))
    return table


def consumption_chart(data: dict, *, period: str):
    """Each activity's consumption in the period, both agencies, in the tables' order; in
    millions of kronor so the axis stays readable (the tables give tkr)."""
    labels, values = [], []
    for block in data["agencies"]:
        for row in block["rows"]:
            labels.append(f"{block['agency']}: {row['name']}")
            values.append(round(float(Decimal(row["consumed"]) / 1_000_000), 1))
    if not any(values):
        return None
    spoken = "; ".join(
        f"{label}: {str(v).replace('.', ',')}" for label, v in zip(labels, values, strict=True)
    )
    return charts.bar_chart(
        labels=labels,
        series=[Series(_("Förbrukat under perioden (miljoner kr)"), values, role="bar")],
        alt=_("Förbrukning per verksamhet och myndighet, %(period)s, i miljoner kronor.")
        % {"period": period}
        + " "
        + spoken,
        horizontal=True,
        height=charts.bar_height(len(labels)) // 2 + 60,
    )


def share_chart(data: dict):
    """Share of the year's allocation used per agency beside the share of the year gone."""
    blocks = [b for b in data["agencies"] if b["share_used"] is not None]
    if not blocks:
        return None
    gone = round(data["share_of_year_gone"] * 100, 1)
    used = [round(b["share_used"] * 100, 1) for b in blocks]
    return charts.bar_chart(
        labels=[b["name"] for b in blocks],
        series=[
            Series(_("Andel av årets medel förbrukad (%)"), used, role="bar"),
            Series(_("Andel av året som gått (%)"), [gone] * len(blocks), role="bar_goal"),
        ],
        alt=_("Andel av årets medel förbrukad mot andel av året som gått: ")
        + "; ".join(f"{b['name']} {u} % mot {gone} %" for b, u in zip(blocks, used, strict=True)),
        horizontal=True,
        height=charts.bar_height(len(blocks)),
    )


def monthly_report_sections(*, document, reader) -> list:
    """The funds in the management group's monthly report (reporting.monthly_report): the
    area's consumption from January through the report's month against the year's allocation,
    both agencies' tables, and the month's staffing against the norms. Money is never
    suppressed; a cost per participant of 1–4 people is, at the document's level (the reader)."""
    from accounts.models import Area
    from reporting.computed import Period, ReportAreas
    from reporting.views.dashboard_tables import Section

    from . import selectors

    area = Area.objects.get(pk=document.area_id)
    period = Period(first=document.month.replace(month=1), last=document.month)
    areas = ReportAreas(area_ids=[area.pk], area=area, codes=[area.code], names=(area.name,))
    data = selectors.follow_up(period=period, areas=areas, user=reader)
    month = Period(first=document.month, last=document.month)
    staffing = selectors.staffing(period=month, areas=areas, user=reader)["months"]
    described = period.describe()
    chart = share_chart(data)
    return [
        Section(
            key="medel",
            title=_("Medel"),
            lead=_(
                "Förbrukningen i år till och med rapportens månad mot årets tilldelning, som "
                "Tabell 7 och 8, och bemanningen enligt normerna (tkr)."
            ),
            charts=[chart] if chart else [],
            tables=[
                summary_table(data, period=described),
                *(
                    agency_table(
                        block,
                        year=data["year"],
                        period=described,
                        last_month=f"{period.last:%Y-%m}",
                    )
                    for block in data["agencies"]
                ),
                staffing_table(staffing, period=month.describe()),
            ],
        )
    ]
