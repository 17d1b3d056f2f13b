"""The weekly list (/veckolista/, issue 15 point 4): what fell due in an ISO week and whether it was
done on time, per officer, as the Danish jobcentres follow their deadlines each week.

- **Whose.** A coordinator sees the area's cases (every officer), or one team's with `?team=`;
  an officer sees their own and their teams' caseload (cases.selectors.case_list_on_caseload,
  the worklist's very selector, so the list shows no one the worklist would not). Roles without
  case access get 403 (a page about people); an officer or coordinator of another area sees
  nothing of this one.
- **What.** The deadlines of reporting.metrics.timeliness (the needs analysis started, a
  follow-up, the closing documentation, the plan before introduction) falling due Monday to
  Sunday of `?week=2026-W49` (default this week), each with its state today: on time, late,
  missed (overdue), or still open. A case's deadlines are listed under both its officers, who
  share the participant (SPEC §1).
- **Out.** Printable (the print style sheet drops the navigation and the filter), and as CSV
  (`&csv=1`, samverkan.csvfiles). Every case shown is logged as viewed, every case in a CSV as
  exported (SPEC §7).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.models import StaffProfile, Team
from accounts.scoping import scope_for
from audit.models import AccessLog
from audit.services import access_log_record_many
from cases.models import Case
from cases.selectors import case_list_on_caseload
from samverkan import csvfiles

from ..forms.timeliness import WeekForm, week_label
from ..metrics.labels import TIMELINESS_MEASURES
from ..metrics.timeliness import due_items
from ..metrics.timeliness_sql import LATE, ON_TIME, OPEN, OVERDUE

PURPOSE = "veckolista"
STATE_LABELS = {
    ON_TIME: gettext_lazy("I tid"),
    LATE: gettext_lazy("Gjort för sent"),
    OVERDUE: gettext_lazy("Missad"),
    OPEN: gettext_lazy("Ej passerad"),
}
# What the list calls each deadline (the measure's short name as a task).
TASKS = {
    "start": gettext_lazy("Starta behovsanalys"),
    "follow_up": gettext_lazy("Uppföljning"),
    "closing_doc": gettext_lazy("Slutdokumentation"),
    "plan": gettext_lazy("Plan före introduktion"),
}


def _teams(scope):
    if scope.is_coordinator:
        return Team.objects.filter(area__in=scope.area_ids).order_by("area__name", "name")
    return Team.objects.filter(pk__in=scope.team_ids).order_by("name")


def _cases(user, scope, team: Team | None):
    cases = case_list_on_caseload(user=user)
    if team is not None:
        members = StaffProfile.objects.filter(teams=team).values("user_id")
        cases = cases.filter(Q(fk_officer_id__in=members) | Q(af_officer_id__in=members))
    return cases


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else _("Utan handläggare")


def weekly_rows(*, user, team: Team | None, monday: dt.date, today: dt.date):
    """(cases by id, officers: [{name, items, counts}]) of the week: one query for the items,
    one for their cases with people and officers."""
    scope = scope_for(user)
    cases = _cases(user, scope, team)
    items = due_items(cases=cases, first=monday, last=monday + dt.timedelta(days=6), today=today)
    by_id = Case.objects.select_related("person", "fk_officer", "af_officer").in_bulk(
        {item["case_id"] for item in items}
    )
    groups: dict[object, dict] = {}
    for item in items:
        case = by_id[item["case_id"]]
        item["case"] = case
        item["task"] = TASKS[item["measure"]]
        item["state_label"] = STATE_LABELS[item["state"]]
        for officer in {o for o in (case.fk_officer, case.af_officer) if o} or {None}:
            key = officer.pk if officer else 0
            group = groups.setdefault(
                key, {"name": _name(officer), "officer": officer, "items": []}
            )
            group["items"].append(item)
    officers = sorted(groups.values(), key=lambda g: (g["officer"] is None, g["name"].lower()))
    for group in officers:
        counts = defaultdict(int)
        for item in group["items"]:
            counts[item["state"]] += 1
        group["counts"] = {state: counts[state] for state in STATE_LABELS}
        group["total"] = len(group["items"])
    return by_id, officers


def _csv(request, *, officers, label: str, cases) -> HttpResponse:
    header = [
        _("Vecka"),
        _("Handläggare"),
        _("Ärende"),
        _("Deltagare"),
        _("Frist"),
        _("Förfaller"),
        _("Gjort"),
        _("Läge"),
    ]
    rows = [
        [
            label,
            group["name"],
            item["case_id"],
            item["case"].person.full_name,
            str(item["task"]),
            item["due"],
            item["done"],
            str(item["state_label"]),
        ]
        for group in officers
        for item in group["items"]
    ]
    access_log_record_many(
        action=AccessLog.Action.EXPORT, request=request, objects=cases, purpose=f"{PURPOSE} CSV"
    )
    response = HttpResponse(
        csvfiles.csv_bytes(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="veckolista-{label}.csv"'
    return response


@require_GET
def weekly_list(request):
    scope = scope_for(request.user)
    if not scope.case_access:
        # A list of people: only for staff with case access (no object, so 403 as the
        # caseload page; logged by samverkan.errors).
        raise PermissionDenied
    today = timezone.localdate()
    teams = list(_teams(scope))
    form = WeekForm(request.GET or None, today=today, teams=teams)
    monday = form.monday()
    team = (
        next((t for t in teams if t.pk == form.team_id()), None) if scope.is_coordinator else None
    )
    label = week_label(monday)
    by_id, officers = weekly_rows(user=request.user, team=team, monday=monday, today=today)
    cases = list(by_id.values())

    if request.GET.get("csv"):
        return _csv(request, officers=officers, label=label, cases=cases)
    access_log_record_many(
        action=AccessLog.Action.VIEW, request=request, objects=cases, purpose=PURPOSE
    )
    params = {"week": label, **({"team": team.pk} if team else {})}
    base = reverse("reporting:weekly_list")

    def week_url(days: int) -> str:
        return f"{base}?{urlencode({**params, 'week': week_label(monday + dt.timedelta(days))})}"

    return render(
        request,
        "reporting/weekly.html",
        {
            "form": form,
            "officers": officers,
            "label": label,
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
            "team": team,
            "teams": teams,
            "is_coordinator": scope.is_coordinator,
            "state_labels": STATE_LABELS,
            "csv_url": f"{base}?{urlencode({**params, 'csv': 1})}",
            "previous_url": week_url(-7),
            "next_url": week_url(7),
            "today": today,
            "measures": TIMELINESS_MEASURES,
        },
    )
