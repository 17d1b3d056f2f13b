"""The funds pages (issue 21): the follow-up (Statistik → Medel, /statistik/medel/) for any period
of whole months and an area, several or the nation, with its charts, tables, each table as CSV
and the whole as XLSX; and the coordinator's page for a month's consumption
(/statistik/medel/forbrukning/).

The follow-up is the report pages' in every rule but its figures: the same form (period and
areas), the same areas (reporting.computed.report_areas: outside the reader's aggregate scope is
404, logged), the same access-log entry and download log. Each agency sees the other's figures;
amounts are not suppressed (they are money, not people), a cost per participant of 1–4 people
is (funds.selectors)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Area
from accounts.scoping import aggregate_area_ids, scope_for
from reporting import computed
from reporting.computed import Period
from reporting.views.dashboard_tables import csv_response
from reporting.views.reports import place_of, report_form
from reporting.views.table_xlsx import xlsx_response
from samverkan.services import AccessContext, ConcurrentEditError

from . import selectors, tables
from .forms import ConsumptionForm
from .models import Consumption
from .services import consumption_categories_for, consumption_save

REPORT = "funds"


@require_GET
def follow_up(request):
    user = request.user
    allowed = aggregate_area_ids(user)
    base = reverse("funds:follow_up")
    scope = scope_for(user)
    context = {"base": base, "may_enter": scope.is_coordinator}
    if not scope.has_any_access or allowed == frozenset():
        return render(request, "funds/follow_up.html", {**context, "no_area": True})

    today = timezone.localdate()
    national = allowed is None
    form = report_form(request, allowed=allowed, today=today)
    context["form"] = form
    if not form.is_valid():
        return render(request, "funds/follow_up.html", context)

    period = Period(first=form.cleaned_data["fran"], last=form.cleaned_data["till"])
    codes = form.cleaned_data["omrade"]
    areas = computed.report_areas(request=request, allowed=allowed, codes=codes, report=REPORT)
    data = selectors.follow_up(period=period, areas=areas, user=user)
    staffing = selectors.staffing(period=period, areas=areas, user=user)["months"]
    described = period.describe()
    last_month = f"{period.last:%Y-%m}"
    page_tables = [
        tables.summary_table(data, period=described),
        *(
            tables.agency_table(block, year=data["year"], period=described, last_month=last_month)
            for block in data["agencies"]
        ),
        tables.staffing_table(staffing, period=described),
    ]
    params = [("fran", f"{period.first:%Y-%m}"), ("till", last_month)]
    params += [("omrade", code) for code in sorted(codes)]
    for table in page_tables:
        table.csv_url = f"{base}?{urlencode([*params, ('csv', table.key)])}"
    where = "riket" if areas.national else ("-".join(areas.codes[:3]) or "omraden")
    stem = f"samverkan-medel-{described.replace('–', '_')}-{where}"
    log = {"request": request, "report": REPORT, "period": period, "areas": areas}

    wanted = request.GET.get("csv")
    if wanted is not None:
        table = next((t for t in page_tables if t.key == wanted), None)
        if table is None:
            raise Http404
        computed.log_report_read(**log, as_file="CSV")
        return csv_response(table, filename=f"{stem}-{table.key}.csv")
    if request.GET.get("format") == "xlsx":
        computed.log_report_read(**log, as_file="XLSX")
        return xlsx_response(page_tables, filename=f"{stem}.xlsx", title=_("Ekonomisk uppföljning"))
    computed.log_report_read(**log)
    context.update(
        period=period,
        place=place_of(areas, codes, national),
        data=data,
        summary=page_tables[0],
        agency_tables=page_tables[1:-1],
        staffing=page_tables[-1],
        charts=[
            c
            for c in (tables.share_chart(data), tables.consumption_chart(data, period=described))
            if c
        ],
        xlsx_url=f"{base}?{urlencode([*params, ('format', 'xlsx')])}",
    )
    return render(request, "funds/follow_up.html", context)


# --- the coordinator's entry ----------------------------------------------------------------

RECENT_ROWS = 60


@require_http_methods(["GET", "POST"])
def consumption_entry(request):
    """A coordinator records their agency's consumption for a month in one of their areas, or
    changes an amount (the list's "Ändra" opens the form with the stored amount and version)."""
    user = request.user
    scope = scope_for(user)
    if not scope.is_coordinator or not scope.area_ids:
        raise PermissionDenied(_("Bara samordnare registrerar förbrukning."))
    areas = Area.objects.filter(pk__in=scope.area_ids).order_by("name")
    categories = consumption_categories_for(user)
    recorded = (
        Consumption.objects.filter(area__in=areas, category__agency__code=scope.agency_code)
        .select_related("area", "category")
        .order_by("-month", "area__name", "category__position")[:RECENT_ROWS]
    )
    initial = {}
    chosen = request.GET.get("andra")
    if request.method == "GET" and chosen and chosen.isdigit():
        stored = next((row for row in recorded if row.pk == int(chosen)), None)
        if stored is None:
            raise Http404
        initial = {
            "area": stored.area_id,
            "month": f"{stored.month:%Y-%m}",
            "category": stored.category_id,
            "amount": str(stored.amount).replace(".", ","),
            "version": stored.version,
        }
    form = ConsumptionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        areas=areas,
        categories=categories,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consumption_save(
                context=AccessContext.from_request(request),
                area=data["area"],
                category=data["category"],
                month=data["month"],
                amount=data["amount"],
                version=data["version"],
            )
        except ConcurrentEditError as error:
            form.add_error(None, error)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Beloppet är sparat."))
            return redirect(reverse("funds:consumption"))
    return render(
        request,
        "funds/consumption.html",
        {
            "form": form,
            "recorded": recorded,
            "agency": scope.agency_code,
        },
    )
