"""The computed reports (SPEC §5 "Reports"): what each of them computes, for which areas, as whom,
and how a read is logged, in one place for the report API (reporting.api.reports) and the report
pages (reporting.views.reports). Each is computed live from reporting.metrics for a period of
whole months (the status report also for one day) and an area, a list of areas or the nation.

- **Which areas.** `report_areas` turns the codes asked for into the areas summed: none means
  everything the reader sees (the nation for national roles, else their own areas); a code
  outside the reader's aggregate scope is the same 404 as an unknown code, logged against the
  area asked for, so that area's coordinator sees who tried. A region (issue 20 point 2: a
  group of areas is a region or a chosen list) adds its active areas to those asked for:
  `visible_region` and `region_areas` are the one rule of which region a reader may name and
  what it sums, for the report pages, the report API and the dashboard.
- **Figures.** `report_figures` computes (on the read replica when one is configured) and shows
  the result as the reader may see it (reporting.selectors.figures_shown_to: small cells hidden,
  FK's facts left out where they must be).
- **Logging.** `log_report_read`: one access-log entry per answer, the same words whether it was
  read through the API or on a page, and whether as a table, CSV or XLSX."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import AREA_CODE, Area, Region
from audit.models import AccessLog
from audit.services import access_log_record
from cases.models import Benefit
from cases.registration import models_in_period
from samverkan.dates import month_starts
from samverkan.dbrouter import replica_reads

from . import metrics
from .metrics.base import UNKNOWN
from .secrecy import fk_dimensions_hidden
from .selectors import figures_shown_to

# The reports, by the name the API, the suppression (reporting.suppression.KINDS) and the access
# log know them by.
OUTCOMES = "outcomes"
AVERAGE_DAYS = "average_days"
MAPPINGS = "mappings"
INFLOW = "inflow"
STATUS = "status"

# How a filter reads in the access log.
FILTER_WORDS = {"benefit": "ersättning"}


@dataclass(frozen=True)
class Period:
    """Whole months `first`..`last` (first days), or a single `day` (status report only)."""

    first: dt.date | None = None
    last: dt.date | None = None
    day: dt.date | None = None

    @property
    def months(self) -> list[dt.date]:
        return month_starts(self.first, self.last) if self.first is not None else []

    def describe(self) -> str:
        if self.day is not None:
            return self.day.isoformat()
        if self.first == self.last:
            return f"{self.first:%Y-%m}"
        return f"{self.first:%Y-%m}–{self.last:%Y-%m}"


@dataclass(frozen=True)
class ReportAreas:
    """The areas a report sums: `area_ids` for the metrics (None: the nation), the one `area`
    asked for (or None), the codes and names of every area in the sum."""

    area_ids: list[int] | None
    area: Area | None
    codes: list[str]
    names: tuple[str, ...] = ()
    region: Region | None = None  # the region asked for, its areas among `codes`
    region_codes: tuple[str, ...] = ()  # the region's areas

    @property
    def national(self) -> bool:
        return self.area_ids is None

    def describe(self) -> str:
        """For the access log: "sdt", "riket", "områdena gno, sdt" or "region vo-syd
        (områdena gno, sdt)"."""
        if self.region is not None:
            return f"region {self.region.code} (områdena {', '.join(self.codes)})"
        if self.area is not None:
            return self.area.code
        if self.national:
            return "riket"
        return "områdena " + ", ".join(self.codes)

    def file_place(self) -> str:
        """For a download's file name: "sdt", "riket", "gno-sdt", "omraden" (more than three),
        or the region's code, with the areas asked for besides it ("vo-syd-gno")."""
        if self.national:
            return "riket"
        codes = self.codes
        prefix = ""
        if self.region is not None:
            prefix = self.region.code
            codes = [code for code in codes if code not in self.region_codes]
            if not codes:
                return prefix
            prefix += "-"
        # Area codes are slugs, safe in a file name; a long list is left out.
        return prefix + ("-".join(codes) if len(codes) <= 3 else "omraden")


def visible_region(*, request, code: str, object_type: str, purpose: str) -> Region:
    """The region `code` names, when the reader may see it (accounts.models.Region.objects.
    visible_to: a regional manager their own regions, the national roles every active one). An
    unknown code, or a region the reader may not see, is Http404, logged as a refusal as an area
    outside the reader's scope is (`object_type` and `purpose` as the caller logs its reads)."""
    code = (code or "").strip()
    # Region codes are slugs of at most 20 characters, as area codes (and no NUL reaches SQL).
    region = (
        Region.objects.visible_to(request.user).filter(code=code).first()
        if AREA_CODE.match(code)
        else None
    )
    if region is None:
        access_log_record(
            action=AccessLog.Action.DENIED,
            request=request,
            object_type=object_type,
            object_id=code[:64],
            purpose=purpose,
        )
        raise Http404
    return region


def region_areas(region: Region) -> list[Area]:
    """The areas a region sums: its active areas, by code. A region without one raises
    ValidationError on the field `region`, in Swedish (nothing to sum; an empty sum would read
    as a region where nothing happened)."""
    areas = list(region.active_areas())
    if not areas:
        raise ValidationError(
            {
                "region": [
                    _("Regionen %(name)s har inga aktiva samverkansområden.")
                    % {"name": region.name}
                ]
            }
        )
    return areas


def report_areas(
    *,
    request,
    allowed: frozenset[int] | None,
    codes: list[str],
    report: str,
    region: str = "",
) -> ReportAreas:
    """The areas of a report for `codes` (none: everything in `allowed`, the reader's aggregate
    areas, None for every area; several: the sum of those areas) and the `region` code (its
    active areas added to `codes`). An unknown code, or one outside `allowed`, is Http404,
    logged as a refusal against the area asked for; so is a region the reader may not see; a
    region without active areas is a ValidationError on `region`."""
    wanted = sorted({code.strip() for code in codes if code and code.strip()})
    chosen, members = None, ()
    if region and region.strip():
        chosen = visible_region(
            request=request,
            code=region,
            object_type="report",
            purpose=f"rapport {report}, region utanför behörigheten",
        )
        members = tuple(area.code for area in region_areas(chosen))
        wanted = sorted({*wanted, *members})
    if wanted:
        found = []
        for code in wanted:
            # Codes are slugs of at most 20 characters; anything else cannot exist (and a NUL
            # character must not reach PostgreSQL).
            area = Area.objects.filter(code=code).first() if AREA_CODE.match(code) else None
            if area is None or (allowed is not None and area.pk not in allowed):
                access_log_record(
                    action=AccessLog.Action.DENIED,
                    request=request,
                    object_type="report",
                    object_id=code[:64],
                    area_id=area.pk if area is not None else None,
                    purpose=f"rapport {report}, område utanför behörigheten",
                )
                raise Http404
            found.append(area)
        found.sort(key=lambda area: area.code)
        return ReportAreas(
            area_ids=sorted(area.pk for area in found),
            area=found[0] if len(found) == 1 else None,
            codes=[area.code for area in found],
            names=tuple(area.name for area in found),
            region=chosen,
            region_codes=members,
        )
    areas = Area.objects.order_by("code")
    if allowed is not None:
        areas = areas.filter(pk__in=allowed)
    rows = list(areas.values_list("code", "name"))
    return ReportAreas(
        area_ids=None if allowed is None else sorted(allowed),
        area=None,
        codes=[code for code, _name in rows],
        names=tuple(name for _code, name in rows),
    )


def registration_models(period: Period, areas: ReportAreas) -> list[str]:
    """The registration models of the cases the report of `period` counts (cases.registration:
    two mean the period mixes them); a day's report: its month's."""
    first = period.first or period.day.replace(day=1)
    last = period.last or first
    return models_in_period(first=first, last=last, area_ids=areas.area_ids)


def _status(period: Period, areas: ReportAreas) -> dict:
    if period.day:
        return metrics.status_report(day=period.day, area_ids=areas.area_ids)
    return metrics.status_report_period(months=period.months, area_ids=areas.area_ids)


def _mappings(period: Period, areas: ReportAreas, benefit: str | None = None) -> dict:
    return metrics.mapping_report(months=period.months, area_ids=areas.area_ids, benefit=benefit)


# (period, areas, **filters) -> the metric's figures; only the mappings take a filter (benefit).
Compute = Callable[..., dict]

COMPUTE: dict[str, Compute] = {
    OUTCOMES: lambda period, areas: metrics.outcomes(months=period.months, area_ids=areas.area_ids),
    AVERAGE_DAYS: lambda period, areas: metrics.average_days(
        months=period.months, area_ids=areas.area_ids
    ),
    MAPPINGS: _mappings,
    INFLOW: lambda period, areas: metrics.inflow(months=period.months, area_ids=areas.area_ids),
    STATUS: _status,
}

# The benefits a mappings report can be restricted to: FK's benefit at the mapping, or none
# recorded.
BENEFITS = [*Benefit.values, UNKNOWN]


def benefit_asked(*, user, value: str | None) -> str | None:
    """The benefit a mappings report is restricted to (None: every mapping). A reader who must
    not see FK's facts by person (reporting.secrecy) cannot restrict by it: the restricted total
    would tell them. Raises ValidationError on the field `benefit`, in Swedish."""
    if value in (None, ""):
        return None
    if value not in BENEFITS:
        message = _("Okänd ersättning. Välj en av: %(known)s.") % {"known": ", ".join(BENEFITS)}
        raise ValidationError({"benefit": [message]})
    if fk_dimensions_hidden(user):
        message = _("Ersättningen är Försäkringskassans uppgift och kan inte väljas här.")
        raise ValidationError({"benefit": [message]})
    return value


def report_figures(
    *,
    user,
    report: str,
    period: Period,
    areas: ReportAreas,
    compute: Compute | None = None,
    filters: dict | None = None,
) -> dict:
    """The report's figures for the period and areas (and `filters`: the mappings' benefit), as
    `user` may see them. `compute` stands in for the report's own (COMPUTE) where the figures
    depend on more than the period and the areas (the timeliness report's breakdown by team and
    officer)."""
    with replica_reads():
        data = (compute or COMPUTE[report])(period, areas, **(filters or {}))
    return figures_shown_to(user=user, kind=report, data=data)


def log_report_read(
    *,
    request,
    report: str,
    period: Period,
    areas: ReportAreas,
    as_file: str = "",
    filters: dict | None = None,
) -> None:
    """One access-log entry for one answer of a report; `as_file` names a download ("CSV",
    "XLSX"), which is logged as an export."""
    restricted = "".join(
        f", {FILTER_WORDS[name]} {value}" for name, value in (filters or {}).items() if value
    )
    access_log_record(
        action=AccessLog.Action.EXPORT if as_file else AccessLog.Action.VIEW,
        request=request,
        object_type="report",
        object_id=report,
        area_id=areas.area.pk if areas.area else None,
        purpose=f"rapport {report} {period.describe()}, {areas.describe()}{restricted}"
        + (f" ({as_file})" if as_file else ""),
    )
