"""The timeliness page (/statistik/tidsfrister/, issue 15 point 3): whether the deadlines were kept
in any period, for an area or the nation, computed live (reporting.metrics.timeliness); the
dashboard shows the same figures month by month from the snapshots.

- `?omrade=` chooses the area as on the statistics page (the same chooser: another area is 404,
  logged); `?fran=`/`?till=` the period (a month or a day each; default the last whole month).
- Who sees what: everyone with statistics the area's (or the nation's) figures, small cells
  hidden for roles without case access (reporting.selectors.figures_shown_to); the area's
  coordinator also every team and every officer of the area; an officer also their own teams.
  Per-officer figures are the coordinator's to follow up (issue 15).
- `&csv=<table>` downloads a table as the product's CSV, logged as an export.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import Area, Team
from accounts.scoping import scope_for
from audit.models import AccessLog
from audit.services import access_log_record
from samverkan.dates import add_days, add_months

from .. import suppression
from ..forms.timeliness import PeriodForm
from ..metrics.labels import TIMELINESS_MEASURES
from ..metrics.timeliness import timeliness
from ..metrics.timeliness_sql import MEASURES
from ..selectors import figures_shown_to
from ..snapshots import previous_month
from .dashboard import NATION
from .dashboard_tables import Cell, Column, Row, Table, csv_response
from .dashboard_timeliness import detail_table, share_cell, share_parts, verdict_cell
from .overview import NO_AREA
from .overview import _chosen_area as chosen_area

PURPOSE = "uppföljning: tidsfrister"


def _breakdown(user, area: Area | None) -> tuple[bool, set[int] | None]:
    """(compute team and officer rows, the teams the reader may see: None for all)."""
    scope = scope_for(user)
    if area is None or not scope.case_access or area.pk not in scope.area_ids:
        return False, set()
    if scope.coordinates(area.pk):
        return True, None
    return bool(scope.team_ids), set(scope.team_ids)


def _counted_cell(cell, goal) -> Cell:
    """A team's or officer's share with what it is of: "67% (2 av 3)"."""
    shown = share_cell(cell, goal)
    kept, total = share_parts(cell)
    if shown.hidden or kept is None or not total:
        return shown
    return Cell(f"{shown.text} ({kept} av {total})", flag=shown.flag)


def _group_table(key, caption, first_column, rows, goals, *, counted=False) -> Table:
    table = Table(
        key=key,
        caption=caption,
        columns=[
            Column(first_column, num=False),
            *[Column(str(TIMELINESS_MEASURES[m])) for m in MEASURES],
            Column(_("Jämfört med målen"), num=False),
        ],
        empty_text=_("Inga ärenden med frister under perioden."),
    )
    make = _counted_cell if counted else share_cell
    for name, row in rows:
        verdict = verdict_cell(row, goals)
        table.rows.append(
            Row(
                header=Cell(name),
                cells=[*(make(row.get(m), goals.get(m)) for m in MEASURES), verdict],
                warning=verdict.flag,
            )
        )
    return table


def _officer_names(ids) -> dict[str, str]:
    users = (
        get_user_model()
        .objects.filter(pk__in=[int(i) for i in ids])
        .select_related("staff_profile__agency")
    )
    names = {}
    for user in users:
        profile = getattr(user, "staff_profile", None)
        agency = profile.agency.code if profile and profile.agency_id else ""
        name = user.get_full_name() or user.get_username()
        names[str(user.pk)] = f"{name} ({agency})" if agency else name
    return names


def _tables(data: dict, *, place: str, period: str, visible_teams) -> list[Table]:
    goals = data.get("goals") or {}
    tables = [
        detail_table(
            data.get("total"),
            goals,
            key="fristerna",
            caption=_("Fristerna i %(place)s %(period)s") % {"place": place, "period": period},
        )
    ]
    areas = data.get("areas") or {}
    if len(areas) > 1:
        names = dict(Area.objects.filter(pk__in=[int(k) for k in areas]).values_list("pk", "name"))
        rows = sorted(((names.get(int(k), k), row) for k, row in areas.items()), key=lambda r: r[0])
        tables.append(_group_table("omraden", _("Per område"), _("Område"), rows, goals))
    teams = data.get("teams")
    if teams is not None:
        shown = {
            k: row for k, row in teams.items() if visible_teams is None or int(k) in visible_teams
        }
        names = dict(Team.objects.filter(pk__in=[int(k) for k in shown]).values_list("pk", "name"))
        rows = sorted(((names.get(int(k), k), row) for k, row in shown.items()), key=lambda r: r[0])
        tables.append(_group_table("team", _("Per team"), _("Team"), rows, goals, counted=True))
    officers = data.get("officers")
    if officers is not None and visible_teams is None:
        names = _officer_names(officers)
        rows = sorted(((names.get(k, k), row) for k, row in officers.items()), key=lambda r: r[0])
        tables.append(
            _group_table(
                "handlaggare", _("Per handläggare"), _("Handläggare"), rows, goals, counted=True
            )
        )
    return tables


def _shortcuts(code: str, today) -> list[tuple[str, str]]:
    base = reverse("reporting:timeliness")
    last = previous_month(today)
    this = today.replace(day=1)
    periods = [
        (_("Förra månaden"), last, add_days(this, -1)),
        (_("Denna månad hittills"), this, today),
        (_("Senaste tre hela månaderna"), add_months(last, -2), add_days(this, -1)),
        (_("I år hittills"), today.replace(month=1, day=1), today),
    ]
    return [
        (f"{base}?{urlencode({'omrade': code, 'fran': f, 'till': t})}", label)
        for label, f, t in periods
    ]


@require_GET
def timeliness_page(request):
    today = timezone.localdate()
    area = chosen_area(request)
    form = PeriodForm(request.GET or None, today=today)
    first, last = form.period()
    period = f"{first.isoformat()}–{last.isoformat()}"
    no_area = area is NO_AREA
    area = None if no_area else area
    code = "" if no_area else (area.code if area else NATION)
    place = area.name if area else _("hela riket")

    tables: list[Table] = []
    hide = suppression.hides_small_cells(request.user)
    if not no_area:
        breakdown, visible_teams = _breakdown(request.user, area)
        data = timeliness(
            first=first,
            last=last,
            area_ids=[area.pk] if area else None,
            today=today,
            breakdown=breakdown,
        )
        data = figures_shown_to(user=request.user, kind="timeliness", data=data)
        tables = _tables(data, place=place, period=period, visible_teams=visible_teams)
    params = {"omrade": code, "fran": first.isoformat(), "till": last.isoformat()}
    for table in tables:
        table.csv_url = (
            f"{reverse('reporting:timeliness')}?{urlencode({**params, 'csv': table.key})}"
        )

    wanted = request.GET.get("csv")
    if wanted is not None:
        table = next((t for t in tables if t.key == wanted), None)
        if table is not None:
            access_log_record(
                action=AccessLog.Action.EXPORT,
                request=request,
                object_type="timeliness",
                object_id=f"{code or '-'}:{table.key}"[:64],
                area_id=area.pk if area else None,
                purpose=f"{PURPOSE}: CSV {table.key} {period}",
            )
            return csv_response(
                table, filename=f"tidsfrister-{code or 'inget'}-{table.key}-{first}-{last}.csv"
            )
        return render(
            request,
            "reporting/dashboard_unknown_table.html",
            {"wanted": wanted, "tables": tables},
            status=400,
        )
    access_log_record(
        action=AccessLog.Action.VIEW,
        request=request,
        object_type="timeliness",
        object_id=code or "-",
        area_id=area.pk if area else None,
        purpose=f"{PURPOSE} {period}",
    )
    return render(
        request,
        "reporting/timeliness.html",
        {
            "form": form,
            "tables": tables,
            "place": place,
            "no_area": no_area,
            "first": first,
            "last": last,
            "code": code,
            "shortcuts": _shortcuts(code, today) if code else [],
            "hide_small_cells": hide,
            "small_cell": suppression.SMALL_CELL,
            "dashboard_url": f"{reverse('reporting:overview')}?{urlencode({'omrade': code})}",
        },
    )
