"""The report pages (Statistik → Rapporter, /statistik/rapporter/, SPEC §5 "Reports"): the
published tables of the 2012 report for any period of whole months and an area, a list of areas
or the nation, each with its chart, its tables, each table as CSV and the whole report as XLSX.

Everything but the layout is the report API's (reporting.computed): the same areas (an area
outside the reader's aggregate scope is 404, logged), the same figures as the reader may see them
(small cells hidden for roles without case access) and the same access-log entry; a download is
logged as an export. Aggregates only: no person is named on these pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.models import Area, OfficeUnit, Region
from accounts.scoping import aggregate_area_ids, scope_for
from cases.registration import mix_note
from samverkan.dates import add_months

from .. import computed, suppression
from ..computed import Period, ReportAreas
from ..forms.reports import ReportForm
from ..metrics.labels import level_label
from ..secrecy import fk_dimensions_hidden
from ..snapshots import previous_month
from . import report_charts, report_status_tables, report_tables
from .dashboard_tables import Table, csv_response
from .table_xlsx import xlsx_response


@dataclass(frozen=True)
class ReportPage:
    slug: str
    report: str  # reporting.computed's name of the report
    title: str
    lead: str
    build: Callable  # (figures, context) -> (chart or None, tables)


def _outcomes(data, ctx):
    return report_charts.outcome_chart(data), report_tables.outcome_tables(data, place=ctx.place)


def _average_days(data, ctx):
    return (
        report_charts.average_days_chart(data),
        report_tables.average_days_tables(data, place=ctx.place),
    )


def _mappings(data, ctx):
    return report_charts.mapping_chart(data), report_tables.mapping_tables(data, place=ctx.place)


def _inflow(data, ctx):
    return (
        report_charts.inflow_chart(data, month_label=str),
        report_tables.inflow_tables(data, place=ctx.place, month_label=str),
    )


def _status(data, ctx):
    offices = data.get("offices") or {}
    area_keys = set(data.get("areas", {})) | {k for by_area in offices.values() for k in by_area}
    names = dict(Area.objects.filter(pk__in=[int(k) for k in area_keys]).values_list("pk", "name"))
    codes = {code for by_area in offices.values() for block in by_area.values() for code in block}
    area_names = {str(pk): name for pk, name in names.items()}
    tables = report_status_tables.status_tables(
        data, place=ctx.place, day_label=data.get("day", ""), area_names=area_names
    )
    tables += report_status_tables.status_office_tables(
        data,
        day_label=data.get("day", ""),
        area_names=area_names,
        office_names=dict(OfficeUnit.objects.filter(code__in=codes).values_list("code", "name")),
    )
    return report_charts.status_chart(data), tables


PAGES = {
    page.slug: page
    for page in (
        ReportPage(
            "status-dag-365",
            computed.OUTCOMES,
            gettext_lazy("Status dag 365"),
            gettext_lazy(
                "Var de som började i samverkan tolv månader före periodens månader befann sig "
                "dag 365 efter starten, efter bakgrund och målgrupp (som Tabell 3–6). Andelarna "
                "är av radens summa, också uppdelningen av arbete och utbildning."
            ),
            _outcomes,
        ),
        ReportPage(
            "tid-i-samverkan",
            computed.AVERAGE_DAYS,
            gettext_lazy("Tid i samverkan"),
            gettext_lazy(
                "Genomsnittligt antal dagar från start till avslut för dem vars ärende "
                "avslutades under perioden, och för dem som gick till arbete eller utbildning."
            ),
            _average_days,
        ),
        ReportPage(
            "kartlaggningar",
            computed.MAPPINGS,
            gettext_lazy("Gemensamma kartläggningar"),
            gettext_lazy(
                "Kartläggningar vars första möte hölls under perioden, efter kön, ålder, tid i "
                "sjukfallet, ersättning och vem som initierade dem (som Tabell 1, som räknar dem "
                "med sjukpenning: välj ersättningen). Andelarna är av alla kartläggningar som "
                "räknas. En kartläggning där tiden i sjukfallet är okänd (ingen sjukskrivning "
                "registrerad, eller den började efter mötet) räknas i summan och som Okänt bland "
                "tiderna."
            ),
            _mappings,
        ),
        ReportPage(
            "nya-deltagare",
            computed.INFLOW,
            gettext_lazy("Nya deltagare"),
            gettext_lazy(
                "De som började i samverkan under perioden, per målgrupp och bakgrund (som "
                "Tabell 2) och månad för månad, unga för sig."
            ),
            _inflow,
        ),
        ReportPage(
            "statusrapport",
            computed.STATUS,
            gettext_lazy("Statusrapport"),
            gettext_lazy(
                "Hur många som är i gemensam kartläggning, i aktiva insatser och väntar periodens "
                "sista dag, och hur de som avslutades under perioden gick vidare. Per kontor "
                "räknas varje ärende och kartläggning en gång under sitt FK-kontor och en gång "
                "under sitt AF-kontor."
            ),
            _status,
        ),
    )
}


@dataclass(frozen=True)
class Context:
    place: str


def _shortcuts(base: str, today: dt.date, places: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Other periods of the same places (`places`: the query's area and region parameters)."""
    last = previous_month(today)
    tertial_end = add_months(last, -(last.month % 4))  # April, August or December
    periods = [
        (_("Senaste tolv månaderna"), add_months(last, -11), last),
        (_("Senaste hela tertialet"), add_months(tertial_end, -3), tertial_end),
        (_("I år hittills"), last.replace(month=1), last),
        (_("Förra året"), dt.date(last.year - 1, 1, 1), dt.date(last.year - 1, 12, 1)),
    ]
    return [
        (f"{base}?{urlencode([('fran', f'{f:%Y-%m}'), ('till', f'{t:%Y-%m}'), *places])}", label)
        for label, f, t in periods
    ]


@require_GET
def report_index(request):
    return render(
        request,
        "reporting/reports_index.html",
        {"pages": [(reverse("reporting:report", args=[p.slug]), p) for p in PAGES.values()]},
    )


@require_GET
def report_page(request, slug: str):
    page = PAGES.get(slug)
    if page is None:
        raise Http404
    user = request.user
    allowed = aggregate_area_ids(user)
    base = reverse("reporting:report", args=[slug])
    context = {"page": page, "pages": PAGES.values(), "base": base}
    if not scope_for(user).has_any_access or allowed == frozenset():
        return render(request, "reporting/report.html", {**context, "no_area": True})

    today = timezone.localdate()
    national = allowed is None
    benefits = None
    if page.report == computed.MAPPINGS and not fk_dimensions_hidden(user):
        benefits = [(b, str(level_label("benefit", b))) for b in computed.BENEFITS]
    regions = {region.code: region for region in Region.objects.visible_to(user)}
    form = report_form(
        request,
        allowed=allowed,
        today=today,
        benefits=benefits,
        regions=[(code, region.name) for code, region in regions.items()],
    )
    context["form"] = form
    if not form.is_valid():
        return render(request, "reporting/report.html", context)

    period = Period(first=form.cleaned_data["fran"], last=form.cleaned_data["till"])
    picked = form.cleaned_data["omrade"]
    filters = {"benefit": form.cleaned_data["ersattning"] or None} if benefits else {}
    try:
        # The region's areas are added to those picked (reporting.computed: the one rule).
        areas = computed.report_areas(
            request=request,
            allowed=allowed,
            codes=picked,
            report=page.report,
            region=form.cleaned_data.get("region") or "",
        )
    except ValidationError as error:
        for message in error.message_dict.get("region", []):
            form.add_error("region", message)
        return render(request, "reporting/report.html", context)
    region = areas.region
    codes = areas.codes if region is not None else picked
    data = computed.report_figures(
        user=user, report=page.report, period=period, areas=areas, filters=filters
    )
    place = place_of(areas, codes, national)
    if region is not None:
        extra = [
            name
            for code, name in zip(areas.codes, areas.names, strict=True)
            if code not in areas.region_codes
        ]
        place = region.name
        if extra:
            place = _("%(region)s och %(areas)s") % {
                "region": region.name,
                "areas": ", ".join(extra),
            }
    benefit = filters.get("benefit")
    if benefit:  # the tables' captions and the subject say whom they count
        place = f"{place}, {str(level_label('benefit', benefit)).lower()}"
    chart, tables = page.build(data, Context(place=place))
    params = [("fran", f"{period.first:%Y-%m}"), ("till", f"{period.last:%Y-%m}")]
    params += [("omrade", code) for code in sorted(picked)]
    if region is not None:
        params.append(("region", region.code))
    params += [("ersattning", value) for value in filters.values() if value]
    for table in tables:
        table.csv_url = f"{base}?{urlencode([*params, ('csv', table.key)])}"
    stem = f"samverkan-{slug}-{period.describe().replace('–', '_')}-{areas.file_place()}"

    log = {"request": request, "report": page.report, "period": period, "areas": areas}
    log["filters"] = filters
    download = _download(request, log, tables, stem, title=str(page.title))
    if download is not None:
        return download
    computed.log_report_read(**log)
    context.update(
        period=period,
        place=place,
        chart=chart,
        tables=tables,
        data=data,
        xlsx_url=f"{base}?{urlencode([*params, ('format', 'xlsx')])}",
        shortcuts=_shortcuts(base, today, [p for p in params if p[0] in ("omrade", "region")]),
        hide_small_cells=suppression.hides_small_cells(user),
        small_cell=suppression.SMALL_CELL,
        cohort=_cohort(data) if page.report == computed.OUTCOMES else "",
        registration_mix=mix_note(computed.registration_models(period, areas)),
    )
    return render(request, "reporting/report.html", context)


def _download(request, log: dict, tables: list[Table], stem: str, *, title: str):
    wanted = request.GET.get("csv")
    if wanted is not None:
        table = next((t for t in tables if t.key == wanted), None)
        if table is None:
            raise Http404
        computed.log_report_read(**log, as_file="CSV")
        return csv_response(table, filename=f"{stem}-{table.key}.csv")
    if request.GET.get("format") == "xlsx":
        computed.log_report_read(**log, as_file="XLSX")
        return xlsx_response(tables, filename=f"{stem}.xlsx", title=title)
    return None


def report_form(request, *, allowed: frozenset[int] | None, today, **extra) -> ReportForm:
    """The period and areas asked for on a report page (the reports, the funds' follow-up):
    the areas among `allowed` (None: every area, the nation too), the last complete months
    when neither end is asked for; `extra` as ReportForm takes it."""
    choices = Area.objects.filter(is_active=True).order_by("name")
    if allowed is not None:
        choices = choices.filter(pk__in=allowed)
    query = request.GET.copy()
    if "fran" not in query and "till" not in query:
        query.update(ReportForm.default_query(today))
    return ReportForm(
        query,
        today=today,
        areas=choices.values_list("code", "name"),
        national=allowed is None,
        **extra,
    )


def place_of(areas: ReportAreas, codes: list[str], national: bool) -> str:
    """What a report's captions name: an area, the nation, "all your areas" or the areas."""
    if areas.area is not None:
        return areas.area.name
    if areas.national:
        return _("hela riket")
    if not codes and not national:
        return _("alla dina områden") if len(areas.names) > 1 else ", ".join(areas.names)
    return ", ".join(areas.names)


def _cohort(data: dict) -> str:
    months = data.get("cohort_months") or []
    if not months:
        return ""
    return months[0] if len(months) == 1 else f"{months[0]}–{months[-1]}"
