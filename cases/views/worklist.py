"""Home, the worklist, the coordinator's caseload, search and break the glass."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import StaffProfile
from accounts.scoping import scope_for
from audit.access import break_glass_grant, get_visible_or_404
from audit.models import AccessLog
from audit.services import access_log_record, access_log_record_many
from samverkan.throttling import PersonSearchThrottle, person_search_refusal, wait_seconds

from .. import selectors
from ..flags import FLAG_LABELS
from ..forms import BreakGlassForm, PersonSearchForm
from ..kept_sql import kept
from ..models import (
    CLOSING_DOC_DUE,
    PHASE_SHORT,
    TARGET_GROUP_SHORT,
    Phase,
    RuleSet,
    TargetGroup,
)
from ..worklist_forms import WORKLIST_SORTS, WorklistFilterForm
from ..worklist_query import WorklistRows

# Rows per page of the worklist: 20–25 fit on a laptop screen, 50 with a little scrolling.
WORKLIST_PAGE_SIZE = 50

# --- home and the worklist --------------------------------------------------------------------


@require_safe
def home(request):
    """Each role lands where its work is (SPEC §1). A page only to read: GET and HEAD."""
    scope = scope_for(request.user)
    if scope.case_access:
        return worklist(request)
    if scope.sees_aggregates:
        return redirect("reporting:overview")
    return render(request, "cases/no_role.html")


def _open_or_awaiting_doc(cases, today):
    """Open cases, and cases ended lately whose closing documentation is still missing (it is
    due within 21 days of the end, SPEC §3 rule 5)."""
    recent = today - dt.timedelta(days=selectors.CASELOAD_AFTER_END_DAYS)
    waiting_for_doc = CLOSING_DOC_DUE & Q(end_date__gte=recent)
    return cases.filter(~Q(phase=Phase.CLOSED) | waiting_for_doc)


def _area_officers(scope) -> list[tuple[int, str]]:
    """(user id, name) of the officers of the coordinator's areas, by name. The query is
    compiled once per process for the areas (it is asked on every page of the list); the
    officers are read each time."""
    sql, params = kept(
        _AREA_OFFICERS_SQL, frozenset(scope.area_ids), lambda: _area_officers_sql(scope), most=1024
    )
    if not sql:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    officers = [
        # User.get_full_name() or get_username(), with the agency's code
        (user_id, f"{f'{first} {last}'.strip() or username} ({agency})")
        for user_id, first, last, username, agency in rows
    ]
    return sorted(officers, key=lambda officer: officer[1])


_AREA_OFFICERS_SQL: dict = {}  # the areas -> (SQL, params)


def _area_officers_sql(scope) -> tuple[str, tuple]:
    profiles = (
        StaffProfile.objects.filter(areas__in=scope.area_ids, role__is_officer=True)
        .distinct()
        .order_by()  # by name, in Python
        .values_list(
            "user_id", "user__first_name", "user__last_name", "user__username", "agency__code"
        )
    )
    try:
        sql, params = profiles.query.sql_with_params()
    except EmptyResultSet:  # no areas
        return "", ()
    return sql, tuple(params)


def _worklist_cases_key(user, scope, data, today) -> tuple:
    """Everything `_worklist_cases` builds its query from: the reader, their scope (areas,
    role), their team's members where the view reads them, the day (and the time zone it is
    the day of) and the view's filters. The list's SQL is kept per process under it
    (cases.worklist_query.WorklistRows)."""
    team = None if scope.area_wide else frozenset(selectors.team_user_ids(user))
    filters = tuple(sorted(data.items()))
    return (user.pk, scope, team, today, timezone.get_current_timezone_name(), filters)


def _worklist_cases(user, scope, data, today):
    """The cases the chosen view shows: the officer's own (or their team's), the coordinator's
    whole area (or one officer's cases), filtered by phase and target group in SQL."""
    if scope.area_wide:
        cases = selectors.case_list_on_caseload(user=user)
        if data.get("officer"):
            officer = data["officer"]
            cases = cases.filter(Q(fk_officer_id=officer) | Q(af_officer_id=officer))
    else:
        cases = selectors.caseload_cases(user=user, team=data.get("who") == "team")
    cases = _open_or_awaiting_doc(cases, today)
    if data.get("phase"):
        cases = cases.filter(phase=data["phase"])
    if data.get("target_group"):
        cases = cases.filter(target_group=data["target_group"])
    return cases


PHASE_LABELS = dict(Phase.choices)
TARGET_GROUP_LABELS = dict(TargetGroup.choices)


def _sort_links(request, current: str) -> dict:
    """For each sortable column: the address that sorts by it (the other way when it is the
    current sort) and its aria-sort state."""
    links = {}
    for name in WORKLIST_SORTS:
        params = request.GET.copy()
        params.pop("page", None)
        ascending = current == name
        params["sort"] = f"-{name}" if ascending else name
        state = "ascending" if current == name else "descending" if current == f"-{name}" else ""
        links[name] = {"url": f"?{params.urlencode()}", "state": state}
    return links


def _short_name(user) -> str:
    """ "Frida K.": a dense list names the officers briefly (in full on the case page)."""
    if user is None:
        return ""
    first, last = user.first_name.strip(), user.last_name.strip()
    if first and last:
        return f"{first} {last[0]}."
    return first or last or user.get_username()


def _add_short_labels(row) -> None:
    """The short labels of a row, and the full ones for their titles. The full ones come from
    the choices directly: the model's get_FOO_display rebuilds its choices on every call, which a
    page of fifty rows pays for a hundred times."""
    case = row["case"]
    row["phase_title"] = PHASE_LABELS.get(case.phase, case.phase)
    row["phase_short"] = PHASE_SHORT.get(case.phase, row["phase_title"])
    row["target_title"] = TARGET_GROUP_LABELS.get(case.target_group, "")
    row["target_short"] = TARGET_GROUP_SHORT.get(case.target_group, "")
    names = [_short_name(case.fk_officer), _short_name(case.af_officer)]
    row["officers"] = ", ".join(name for name in names if name)


_FILTER_HTML: dict = {}  # (language, officers offered, the address's values) -> the form's HTML


def _filter_form_html(request, filter_form, officers) -> str:
    """The filter form as includes/form_fields.html writes it, kept per process under
    everything it is written from: the language, the officers offered and the values in the
    address (a wrong one is written with its error, the same each time). Django writes each
    widget through the template engine; for the list drawn again and again that was 1.7 ms of
    every page."""
    key = (
        translation.get_language(),
        None if officers is None else tuple(officers),
        tuple(sorted((name, tuple(values)) for name, values in request.GET.lists())),
    )
    return kept(
        _FILTER_HTML,
        key,
        lambda: render_to_string("includes/form_fields.html", {"form": filter_form}),
        most=512,
    )


def worklist(request):
    scope = scope_for(request.user)
    today = timezone.localdate()
    title = _("Områdets ärenden") if scope.area_wide else _("Mina ärenden")
    officers = _area_officers(scope) if scope.area_wide else None
    filter_form = WorklistFilterForm(request.GET or None, officers=officers)
    # A bad value in the address (an old bookmark) is reported on its field; the other filters
    # still apply.
    data = {}
    if filter_form.is_bound:
        filter_form.is_valid()
        data = filter_form.cleaned_data
    sort = data.get("sort") or "deadline"
    # Sorted, filtered by flag and lateness, counted and paged in the database; the flags in
    # full only for the rows shown (cases.worklist_query).
    rows = WorklistRows(
        user=request.user,
        cases=lambda: _worklist_cases(request.user, scope, data, today),
        today=today,
        sort=sort,
        flag=data.get("flag") or None,
        overdue=bool(data.get("overdue")),
        cases_key=_worklist_cases_key(request.user, scope, data, today),
    )
    page = Paginator(rows, WORKLIST_PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.with_officers([row["case"] for row in page.object_list])
    for row in page.object_list:
        _add_short_labels(row)
    # Only the cases shown are logged as viewed.
    access_log_record_many(
        action=AccessLog.Action.VIEW,
        request=request,
        objects=[row["case"] for row in page.object_list],
        purpose="ärendelista",
    )
    page_params = request.GET.copy()
    page_params.pop("page", None)
    return render(
        request,
        "cases/worklist.html",
        {
            "rows": page.object_list,
            "page": page,
            "page_query": page_params.urlencode(),
            "total": page.paginator.count,
            "overdue_count": rows.overdue_count,
            "title": title,
            "search_form": PersonSearchForm(),
            "filter_form": filter_form,
            "filter_html": _filter_form_html(request, filter_form, officers),
            "filtered": any(key != "sort" for key in request.GET),
            "is_coordinator": scope.area_wide,
            "sort": sort,
            "sort_links": _sort_links(request, sort),
            "flag_labels": FLAG_LABELS,
        },
    )


@require_safe
def caseload(request):
    """The coordinator's view of each officer's caseload against the norms (SPEC §3, §5). A
    page only to read: GET and HEAD."""
    scope = scope_for(request.user)
    if not scope.area_wide:
        raise PermissionDenied
    today = timezone.localdate()
    rows = selectors.caseload_by_officer(area_ids=scope.area_ids, today=today)
    return render(
        request,
        "cases/caseload.html",
        {"rows": rows, "today": today, "rules": RuleSet.for_date(today)},
    )


# --- search and break the glass ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def person_search(request):
    """Search is POSTed so a personnummer never lands in an address or a server log."""
    form = PersonSearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        # Each search counts, found or not: short name searches in a row would otherwise list
        # an area's people (SPEC §7). Past the limit nothing is searched; the refusal is logged.
        limit = PersonSearchThrottle()
        if not limit.allow_request(request, None):
            return _person_search_refused(request, form, wait_seconds(limit))
        try:
            found = selectors.person_search(user=request.user, query=form.cleaned_data["q"])
        except selectors.SearchError as exc:
            form.add_error("q", str(exc))
        else:
            results = list(found[:50])
            on_caseload = set(
                selectors.person_list_on_caseload(user=request.user)
                .filter(pk__in=[p.pk for p in results])
                .values_list("pk", flat=True)
            )
            outside = {p.pk for p in results} - on_caseload
            for person in results:
                person.outside_caseload = person.pk in outside
            # One entry per person shown; the log is kept in Swedish whatever the UI language.
            access_log_record_many(
                action=AccessLog.Action.SEARCH,
                request=request,
                objects=results,
                purpose="sökträff",
                outside_ids=outside,
            )
            if not results:  # a search that found no one is still a search (enumeration)
                access_log_record(
                    action=AccessLog.Action.SEARCH,
                    request=request,
                    object_type="person",
                    purpose="sökning utan träff",
                )
    return render(
        request,
        "cases/person_search.html",
        {"form": form, "results": results, "can_create": scope_for(request.user).case_access},
    )


def _person_search_refused(request, form, wait: int):
    form.add_error("q", person_search_refusal(wait))
    access_log_record(
        action=AccessLog.Action.DENIED,
        request=request,
        object_type="person",
        purpose="sökning stoppad: för många sökningar på kort tid",
    )
    response = render(
        request,
        "cases/person_search.html",
        {"form": form, "results": None, "can_create": scope_for(request.user).case_access},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


@require_http_methods(["GET", "POST"])
def person_reason(request, pk):
    """Break the glass: state why before opening a person outside one's caseload."""
    person = get_visible_or_404(
        request=request,
        queryset=selectors.person_list_visible_to(user=request.user),
        pk=pk,
        object_type="person",
    )
    if selectors.person_relation(user=request.user, person=person) is not None:
        return redirect("cases:person_detail", pk=person.pk)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        break_glass_grant(request=request, person=person, reason=form.cleaned_data["reason"])
        messages.info(request, _("Skälet är sparat i åtkomstloggen."))
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return redirect(target)
        return redirect("cases:person_detail", pk=person.pk)
    # Only the masked number is shown before the reason is given.
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    return render(
        request, "cases/person_reason.html", {"person": person, "form": form, "next": next_url}
    )
