"""The statistics page (/statistik/): the follow-up dashboard of one area or of the nation
(SPEC §5 "Dashboards"), and the areas the user may see, each linking to its dashboard.

- `?omrade=<code>` chooses an area, `?omrade=riket` the nation (roles with national aggregates
  only); without it national roles see the nation and everyone else their first area. An area
  outside the user's aggregate scope answers 404, as every object page does (SPEC §7), and the
  refusal is logged.
- `?region=<code>` chooses a region (issue 20 point 2), its active areas summed: a regional
  manager their own regions, the national roles every one (reporting.computed.visible_region);
  any other region, or any region for anyone else, is the same logged 404.
- `?omrade=<code>&omrade=<code>…` (two or more areas, chosen in the page's "Summera flera
  områden") sums those areas as a region is summed; each must be within the user's aggregate
  scope, or the same logged 404.
- `&csv=<table>` downloads one of the page's tables as CSV: the same scoping, the same small-cell
  suppression (the CSV is built from the very table the page shows) and its own log entry.
- Aggregates only, no personal data; small cells hidden for roles without case access.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import AREA_CODE, Area, Region
from accounts.scoping import aggregate_area_ids, scope_for
from audit.models import AccessLog
from audit.services import access_log_record

from .. import suppression
from ..completeness import month_ranges, months_missing_for, snapshots_missing
from ..computed import visible_region
from ..selectors import area_case_counts
from ..suppression.marks import SMALL
from .dashboard import NATION, ChosenAreas, dashboard_load
from .dashboard_forecast import forecast_section
from .dashboard_sections import computed, dashboard_sections
from .dashboard_tables import Cell, Column, Row, Table, count_cell, csv_response

PURPOSE = "uppföljning: statistik"
NO_AREA = object()  # the user sees no area's aggregates at all


def _url(**params) -> str:
    return f"{reverse('reporting:overview')}?{urlencode(params, doseq=True)}"


def _denied(request, code: str, area: Area | None):
    access_log_record(
        action=AccessLog.Action.DENIED,
        request=request,
        object_type="dashboard",
        object_id=code[:64],
        area_id=area.pk if area else None,
        purpose=PURPOSE,
    )
    raise Http404


def _chosen_areas(request) -> ChosenAreas | None:
    """Two or more areas asked for (`?omrade=` repeated), each within the user's scope (else a
    logged 404), as a group to sum; None when fewer are asked for."""
    codes = sorted({code.strip() for code in request.GET.getlist("omrade") if code.strip()})
    if len(codes) < 2:
        return None
    area_ids = aggregate_area_ids(request.user)
    chosen = []
    for code in codes:
        area = Area.objects.filter(code=code).first() if AREA_CODE.match(code) else None
        if area is None or (area_ids is not None and area.pk not in area_ids):
            _denied(request, code, area)
        chosen.append(area)
    return ChosenAreas(areas=tuple(sorted(chosen, key=lambda area: area.name)))


def _home_region(request) -> Region | None:
    """Where a regional manager's dashboard opens when no area is asked for: their region (the
    first by name when they lead several), the level they answer for. Anyone else opens on
    their first area, or the nation."""
    if not scope_for(request.user).regional_manager or any(
        code.strip() for code in request.GET.getlist("omrade")
    ):
        return None
    return Region.objects.visible_to(request.user).order_by("name").first()


def _group_choices(user, board) -> list[tuple[str, str, bool]]:
    """The areas the user may sum, for the form (only for those who see two or more):
    (code, name, chosen now)."""
    area_ids = aggregate_area_ids(user)
    if area_ids is not None and len(area_ids) < 2:
        return []  # one area or none: nothing to sum (and no query)
    areas = Area.objects.filter(is_active=True).order_by("name")
    if area_ids is not None:
        areas = areas.filter(pk__in=area_ids)
    rows = list(areas.values_list("code", "name"))
    if len(rows) < 2:
        return []
    shown = {area.code for area in board.region_areas} if board and board.chosen else set()
    return [(code, name, code in shown) for code, name in rows]


def _chosen_area(request):
    """The area asked for (None: the nation), or NO_AREA; 404 outside the user's scope."""
    code = request.GET.get("omrade", "").strip()
    area_ids = aggregate_area_ids(request.user)
    if not code:
        if area_ids is None:
            return None
        first = Area.objects.filter(pk__in=area_ids, is_active=True).order_by("name").first()
        return first or NO_AREA
    if code == NATION:
        if area_ids is not None:
            _denied(request, code, None)
        return None
    # Codes are slugs; anything else cannot exist (and a NUL must not reach PostgreSQL).
    area = Area.objects.filter(code=code).first() if AREA_CODE.match(code) else None
    if area is None or (area_ids is not None and area.pk not in area_ids):
        _denied(request, code, area)
    return area


def _area_table(user, shown: Area | None) -> Table:
    hide = suppression.hides_small_cells(user)
    table = Table(
        key="omraden",
        caption=_("Ärenden per samverkansområde"),
        columns=[
            Column(_("Område"), num=False),
            Column(_("Öppna")),
            Column(_("Avslutade")),
        ],
        empty_text=_("Inga områden att visa."),
        testid="area-overview",
    )
    for area in area_case_counts(user=user):
        table.rows.append(
            Row(
                header=Cell(area.name, href="" if area == shown else _url(omrade=area.code)),
                cells=[
                    # Only small counts are hidden here (nothing sums them): "<5".
                    count_cell(suppression.shown_count(area.open_cases, hide=hide), SMALL),
                    count_cell(suppression.shown_count(area.closed_cases, hide=hide), SMALL),
                ],
            )
        )
    return table


def _missing_months(board) -> list[str]:
    """The months the page says have no snapshot: those without one between the months shown,
    and every month due by the rule of reporting.completeness (the newest ones too, which the
    tables cannot show as gaps), as short runs; for a region, a month any member area lacks."""
    if board is None:
        return []
    missing = snapshots_missing()
    due = [
        month
        for area_id in (board.area_ids or [None])
        for month in months_missing_for(area_id, missing)
    ]
    return month_ranges([month.day for month in board.gaps] + due)


def _region_gaps(board) -> list[str]:
    """A region's months lacking some member area's snapshot, with the areas: "2026-03 (Gnosjö)"."""
    if board is None or board.region is None:
        return []
    return [
        f"{month.label} ({', '.join(month.missing_areas)})"
        for month in board.months
        if month.gap and month.missing_areas
    ]


def _place(board) -> str:
    if board is None:
        return ""
    if board.region is not None:
        names = ", ".join(area.name for area in board.region_areas)
        return f"{board.region.name} ({names})" if not board.chosen else names
    return board.area.name if board.area else _("Hela riket")


def _region_links(user, shown: Region | None) -> list[tuple[str, str, bool]]:
    """The regions the user may choose (none for most roles): (address, name, the one shown)."""
    return [
        (_url(region=region.code), region.name, region == shown)
        for region in Region.objects.visible_to(user).select_related("agency")
    ]


def _subject(board) -> str:
    """For the access log: the area's code, "riket", or the region and the areas it sums."""
    if board is None:
        return "-"
    if board.region is not None:
        codes = ", ".join(sorted(area.code for area in board.region_areas))
        if board.chosen:
            return f"valda områden ({codes})"
        return f"region {board.code} (områdena {codes})"
    return board.code


@require_GET
def overview(request):
    scope = scope_for(request.user)
    region = None
    if "region" in request.GET:
        region = visible_region(
            request=request,
            code=request.GET["region"],
            object_type="dashboard",
            purpose=f"{PURPOSE}, region utanför behörigheten",
        )
        area = None
    else:
        region = _chosen_areas(request) or _home_region(request)
        area = None if region is not None else _chosen_area(request)
    wanted_csv = request.GET.get("csv")
    # The day-365 share over rolling windows of report months (?fonster=3 or 12, the sizes
    # suppression knows), for a small area whose single months are mostly hidden; anything
    # else is the months one by one.
    windows = {str(n): n for n in suppression.ROLLING_WINDOWS}
    window = windows.get(request.GET.get("fonster", ""), 1)
    empty_region = ""
    try:
        board = (
            None
            if area is NO_AREA
            else dashboard_load(user=request.user, area=area, window=window, region=region)
        )
    except ValidationError as error:  # a region without active areas: nothing to sum
        board, empty_region = None, " ".join(error.message_dict.get("region", []))
    area = None if area is NO_AREA else area
    code = board.code if board else ""
    subject = board.query if board else {}
    shown_window = {"fonster": board.window} if board and board.window > 1 else {}

    def csv_url(key: str) -> str:
        return _url(**subject, csv=key, **shown_window)

    def window_url(n: int) -> str:
        return _url(**subject, **({"fonster": n} if n > 1 else {})) + "#avsnitt-dag365"

    sections = dashboard_sections(board, csv_url, window_url) if board else []
    if board and not board.months:
        sections = [s for s in sections if s.key == "avvikelser"]
    if board and board.months:
        # The forecast is of today, so it is drawn for the page and not for stored reports.
        at = next(i for i, s in enumerate(sections) if s.key == "dag365") + 1
        sections.insert(at, forecast_section(board, csv_url, timezone.localdate()))
    area_table = _area_table(request.user, area)
    if code:
        area_table.csv_url = csv_url(area_table.key)
    tables = {table.key: table for section in sections for table in section.tables}
    tables[area_table.key] = area_table

    if wanted_csv is not None:
        table = tables.get(wanted_csv)
        if table is None:
            return render(
                request,
                "reporting/dashboard_unknown_table.html",
                {"wanted": wanted_csv, "tables": tables.values()},
                status=400,
            )
        access_log_record(
            action=AccessLog.Action.EXPORT,
            request=request,
            object_type="dashboard",
            object_id=f"{code or '-'}:{table.key}"[:64],
            area_id=area.pk if area else None,
            purpose=f"{PURPOSE}: CSV {table.key}"
            + (f", {_subject(board)}" if region is not None else ""),
        )
        newest = board.newest.label if board and board.newest else "utan-data"
        return csv_response(
            table, filename=f"statistik-{code or 'omraden'}-{table.key}-{newest}.csv"
        )

    access_log_record(
        action=AccessLog.Action.VIEW,
        request=request,
        object_type="dashboard",
        object_id=code or "-",
        area_id=area.pk if area else None,
        purpose=PURPOSE + (f", {_subject(board)}" if region is not None else ""),
    )
    newest = board.newest if board else None
    return render(
        request,
        "reporting/overview.html",
        {
            "national": board is not None and board.national,
            "region": region,
            "chosen": board is not None and board.chosen,
            "group_choices": _group_choices(request.user, board),
            "empty_region": empty_region,
            "region_links": _region_links(request.user, region),
            "may_see_nation": scope.national_aggregates,
            "nation_url": _url(omrade=NATION),
            "board": board,
            "place": _place(board),
            "newest": newest,
            "newest_computed": computed(newest) if newest and not newest.gap else "",
            "gaps": _missing_months(board),
            "region_gaps": _region_gaps(board),
            "sections": sections,
            "area_table": area_table,
            "small_cell": suppression.SMALL_CELL,
        },
    )
