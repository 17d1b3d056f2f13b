"""The reporting calendar's packages for the national group (issue 20 point 6; seeds 001 and
004): the tertial reports (January–April, May–August, September–December), the August report
and the annual report, each the published tables for the nation, the groups of areas and the
areas, the deviation summary and the funds, as PDF and XLSX.

- **From the published figures.** A package reads each area's published snapshot of each month
  (national.publishing) and sums them (reporting.snapshot_sums); a month not yet published is
  left out and named on the package's first page. `sources` keeps which snapshot version of
  which area and month it was made from, so a package can always be traced to its figures (ADR
  0009).
- **Suppressed**, as the published tables are: counts under 5 hidden (reporting.suppression),
  for every place.
- **Made by a Celery task** through the task outbox (ADR 0027; national.tasks), with its
  progress and a Swedish step on the row, as the monthly report (ADR 0026): the PDF drawn by
  WeasyPrint from a template, the XLSX from the same tables (reporting.views.table_xlsx). The
  files and the state "done" are written in one update; a finished package is never changed.
- **The funds** (Tabell 7 and 8) for the nation are the funds app's follow-up of the period
  (funds.selectors.follow_up), read when the package is made: money, not people, so nothing is
  hidden and no snapshot is needed.

The August report covers January–June (the half year reported in August, seed 001: "i
återrapporteringen i augusti"); the issue does not say, so this is a choice."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Area, Region
from audit.models import AccessLog
from funds import selectors as funds_selectors
from funds import tables as funds_tables_of
from reporting import suppression
from reporting.computed import Period, ReportAreas
from reporting.models import DeviationReport
from reporting.snapshot_sums import summed
from reporting.views import report_tables
from reporting.views.dashboard_tables import Table
from reporting.views.table_xlsx import xlsx_bytes
from samverkan.dates import add_months, month_starts
from samverkan.services import AccessContext, actor, log_access

from .models import ReportPackage
from .publishing import is_national_group, published_snapshots

logger = logging.getLogger(__name__)
Kind = ReportPackage.Kind
State = ReportPackage.State

# --- the calendar ---------------------------------------------------------------------------------


def period_of(kind: str, year: int, tertial: int = 0) -> tuple[dt.date, dt.date]:
    """The first and last month (first days) a package of `kind` covers."""
    if kind == Kind.TERTIAL:
        if tertial not in (1, 2, 3):
            raise ValidationError({"tertial": _("Välj tertial 1, 2 eller 3.")})
        first = dt.date(year, 4 * (tertial - 1) + 1, 1)
        return first, add_months(first, 3)
    if kind == Kind.AUGUST:
        return dt.date(year, 1, 1), dt.date(year, 6, 1)
    if kind == Kind.ANNUAL:
        return dt.date(year, 1, 1), dt.date(year, 12, 1)
    raise ValidationError({"kind": _("Okänd rapport.")})


def default_groups() -> list[list]:
    """The groups of areas a package reports beside the areas: the regions (FK's
    verksamhetsområden and AF's marknadsområden, accounts.Region) with their active areas; with
    no region stored, one group of every active area."""
    groups = []
    for region in Region.objects.filter(is_active=True).select_related("agency"):
        # a region without active areas has nothing to report: no group (reporting.computed.
        # region_areas refuses it where a reader asked for it)
        codes = list(region.active_areas().values_list("code", flat=True))
        if codes:
            groups.append([f"{region.name} ({region.agency.code})", codes])
    if groups:
        return groups
    codes = list(
        Area.objects.filter(is_active=True).order_by("code").values_list("code", flat=True)
    )
    return [[_("Alla samverkansområden"), codes]] if codes else []


# --- ordering -------------------------------------------------------------------------------------

_runners: list[Callable[[int], object]] = []


def packages_run_by(runner: Callable[[int], object]) -> None:
    """Register what starts the making of an ordered package (national.apps)."""
    _runners[:] = [runner]


@transaction.atomic
def package_order(
    *, context: AccessContext, kind: str, year: int, tertial: int = 0, groups=None
) -> ReportPackage:
    user = actor(context)
    if not is_national_group(user):
        raise PermissionDenied(_("Bara den nationella samverkansgruppen beställer rapportpaket."))
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Ange ett år mellan 2000 och 2100.")})
    first, last = period_of(kind, year, tertial)
    package = ReportPackage.objects.create(
        kind=kind,
        year=year,
        tertial=tertial if kind == Kind.TERTIAL else 0,
        first_month=first,
        last_month=last,
        groups=groups if groups is not None else default_groups(),
        requested_by=user,
    )
    log_access(
        context,
        action=AccessLog.Action.CREATE,
        obj=package,
        object_type="rapportpaket",
        purpose=f"{package.title} ({first:%Y-%m}–{last:%Y-%m})",
    )
    if not _runners:
        raise RuntimeError("no runner for report packages registered (national.apps)")
    _runners[-1](package.pk)  # queued with the order, sent once it commits (ADR 0027)
    return package


# --- the content ----------------------------------------------------------------------------------


@dataclass
class Place:
    name: str
    tables: list[Table] = field(default_factory=list)


@dataclass
class PackageContent:
    places: list[Place]  # the nation, the groups, the areas
    deviations: list[dict]
    missing: dict[str, list[str]]
    sources: dict[str, dict[str, list[int]]]
    funds: list[Table] = field(default_factory=list)  # Tabell 7 and 8 for the nation


def funds_tables(package: ReportPackage) -> list[Table]:
    """Tabell 7 and 8 of the period for the nation, as the funds follow-up gives them (funds
    .selectors.follow_up: consumption against the year's allocation per agency and activity,
    with "varav förvaltning / varav program"). Amounts are money, not people: nothing hidden."""
    period = Period(first=package.first_month, last=package.last_month)
    nation = ReportAreas(area_ids=None, area=None, codes=[])
    data = funds_selectors.follow_up(period=period, areas=nation, user=package.requested_by)
    described = period.describe()
    return [
        funds_tables_of.summary_table(data, period=described),
        *(
            funds_tables_of.agency_table(
                block, year=data["year"], period=described, last_month=f"{period.last:%Y-%m}"
            )
            for block in data["agencies"]
        ),
    ]


def place_tables(snapshots: list[dict], place: str) -> list[Table]:
    """The published tables of `place` from its snapshots' figures: Tabell 1 (joint mappings),
    Tabell 2 (new participants), Tabell 3–6 (status at day 365) and the average days."""
    data = {kind: suppression.suppress_report(kind, summed(kind, snapshots)) for kind in KINDS}
    return [
        *report_tables.mapping_tables(data["mappings"], place=place),
        *report_tables.inflow_tables(data["inflow"], place=place, month_label=str),
        *report_tables.outcome_tables(data["outcomes"], place=place),
        *report_tables.average_days_tables(data["average_days"], place=place),
    ]


KINDS = ("mappings", "inflow", "outcomes", "average_days")


def package_content(
    package: ReportPackage, step: Callable[[str], None] | None = None
) -> PackageContent:
    months = month_starts(package.first_month, package.last_month)
    areas = list(Area.objects.filter(is_active=True).order_by("name"))
    published = published_snapshots(months=months, area_ids=[a.pk for a in areas])
    figures = {a.code: [s.figures for s in published.get(a.pk, {}).values()] for a in areas}
    sources = {
        a.code: {
            f"{m:%Y-%m}": [s.pk, s.version] for m, s in sorted(published.get(a.pk, {}).items())
        }
        for a in areas
    }
    missing = {
        a.code: [f"{m:%Y-%m}" for m in months if m not in published.get(a.pk, {})] for a in areas
    }
    missing = {code: gone for code, gone in missing.items() if gone}
    if step:
        step("nation")
    every = [f for area in areas for f in figures[area.code]]
    places = [Place(_("Riket"), place_tables(every, _("riket")))]
    if step:
        step("groups")
    for name, codes in package.groups:
        group = [f for code in codes for f in figures.get(code, [])]
        places.append(Place(name, place_tables(group, name)))
    if step:
        step("areas")
    for area in areas:
        places.append(Place(area.name, place_tables(figures[area.code], area.name)))
    if step:
        step("funds")
    return PackageContent(
        places=places,
        deviations=deviation_summary(package, areas),
        missing=missing,
        sources=sources,
        funds=funds_tables(package),
    )


def deviation_summary(package: ReportPackage, areas: list[Area]) -> list[dict]:
    """Per area: the deviation reports opened for a month of the period, and how many of them
    are open, in dialogue or closed when the package is made. One query."""
    rows = (
        DeviationReport.objects.filter(
            opened_for__gte=package.first_month, opened_for__lte=package.last_month
        )
        .values("area_id")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status="open")),
            dialogue=Count("pk", filter=Q(status="in_dialogue")),
            closed=Count("pk", filter=Q(status="closed")),
        )
    )
    by_area = {row["area_id"]: row for row in rows}
    return [
        {
            "area": area.name,
            **{
                k: by_area.get(area.pk, {}).get(k, 0)
                for k in ("total", "open", "dialogue", "closed")
            },
        }
        for area in areas
        if area.pk in by_area
    ]


def package_html(package: ReportPackage, content: PackageContent, made_at) -> str:
    return render_to_string(
        "national/package_pdf.html",
        {
            "package": package,
            "content": content,
            "period": f"{package.first_month:%Y-%m}–{package.last_month:%Y-%m}",
            "made": f"{timezone.localtime(made_at):%Y-%m-%d %H:%M}",
            "missing": missing_named(content.missing),
        },
    )


def missing_named(missing: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """The months not published, by area name: [(name, ["YYYY-MM", ...])]."""
    names = dict(Area.objects.filter(code__in=list(missing)).values_list("code", "name"))
    return sorted((names.get(code, code), months) for code, months in missing.items())


def package_pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def package_xlsx(package: ReportPackage, content: PackageContent) -> bytes:
    tables = [table for place in content.places for table in place.tables]
    return xlsx_bytes([*tables, *content.funds], title=package.title)


# --- making it ------------------------------------------------------------------------------------


def _steps() -> dict[str, tuple[int, str]]:
    return {
        "read": (5, _("Läser de publicerade ögonblicksbilderna")),
        "nation": (15, _("Summerar tabellerna för riket")),
        "groups": (30, _("Summerar tabellerna för grupperna av områden")),
        "areas": (45, _("Summerar tabellerna för områdena")),
        "funds": (60, _("Summerar medel och förbrukning")),
        "pdf": (70, _("Skapar PDF-filen")),
        "xlsx": (90, _("Skapar Excel-filen")),
    }


def package_run(*, package_id: int) -> ReportPackage:
    """What the Celery task does: make the package's files step by step; a finished package is
    left as it is, and only the latest run may finish it (`started_at`)."""
    started = timezone.now()
    with transaction.atomic():
        package = ReportPackage.objects.select_for_update().defer("pdf", "xlsx").get(pk=package_id)
        if package.state in (State.DONE, State.FAILED):
            return package
        ReportPackage.objects.filter(pk=package.pk).update(
            state=State.RUNNING, started_at=started, progress=0, error=""
        )
    own = ReportPackage.objects.filter(pk=package.pk, started_at=started)

    def step(name: str) -> None:
        progress, text = _steps()[name]
        own.update(progress=progress, step=text)

    with translation.override("sv"):
        try:
            step("read")
            content = package_content(package, step)
            step("pdf")
            made_at = timezone.now()
            pdf = package_pdf(package_html(package, content, made_at))
            step("xlsx")
            xlsx = package_xlsx(package, content)
            own.filter(state=State.RUNNING).update(
                state=State.DONE,
                pdf=pdf,
                xlsx=xlsx,
                sources=content.sources,
                missing=content.missing,
                progress=100,
                step=_("Klar"),
                finished_at=timezone.now(),
            )
        except OperationalError:
            own.update(state=State.WAITING, progress=0, step="")
            raise
        except Exception:
            logger.exception("Rapportpaket %s kunde inte skapas", package.pk)
            own.filter(~Q(state=State.DONE)).update(
                state=State.FAILED,
                error=_("Paketet kunde inte skapas. Inga filer sparades. Beställ det igen."),
                step="",
                finished_at=timezone.now(),
            )
    return ReportPackage.objects.defer("pdf", "xlsx").get(pk=package.pk)
