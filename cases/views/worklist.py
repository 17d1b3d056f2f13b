"""Home, the worklist, the coordinator's caseload, search and break the glass."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import scope_for
from audit.access import break_glass_grant, get_visible_or_404
from audit.models import AccessLog
from audit.services import access_log_record, access_log_record_many
from samverkan.throttling import PersonSearchThrottle, person_search_refusal, wait_seconds

from .. import selectors
from ..flags import FLAG_LABELS, OVERDUE, WARNING
from ..forms import BreakGlassForm, PersonSearchForm, WorklistFilterForm
from ..models import Phase, RuleSet

WORKLIST_LIMIT = 500

# --- home and the worklist --------------------------------------------------------------------


def home(request):
    """Each role lands where its work is (SPEC §1)."""
    scope = scope_for(request.user)
    if scope.case_access:
        return worklist(request)
    if scope.area_aggregates or scope.national_aggregates:
        return redirect("reporting:overview")
    return render(request, "cases/no_role.html")


def _worklist_cases(user, scope, today):
    """Open cases, and cases ended lately whose closing documentation is still missing (it is
    due within 21 days of the end, SPEC §3 rule 5): the officer's own, or the coordinator's
    whole area."""
    recent = today - dt.timedelta(days=selectors.CASELOAD_AFTER_END_DAYS)
    waiting_for_doc = Q(phase=Phase.CLOSED, closing_doc_date__isnull=True, end_date__gte=recent)
    if scope.area_wide:
        cases = selectors.case_list_on_caseload(user=user)
    else:
        cases = selectors.caseload_cases(user=user, team=False)
    return cases.filter(~Q(phase=Phase.CLOSED) | waiting_for_doc)


def worklist(request):
    scope = scope_for(request.user)
    today = timezone.localdate()
    title = _("Områdets ärenden") if scope.area_wide else _("Mina ärenden")
    cases = _worklist_cases(request.user, scope, today)
    filter_form = WorklistFilterForm(request.GET or None)
    flag = ""
    if filter_form.is_bound and filter_form.is_valid():
        data = filter_form.cleaned_data
        if data["phase"]:
            cases = cases.filter(phase=data["phase"])
        if data["target_group"]:
            cases = cases.filter(target_group=data["target_group"])
        flag = data["flag"]
    rows = selectors.worklist_rows(user=request.user, cases=cases, today=today)
    if flag:
        rows = [row for row in rows if any(f.code == flag for f in row["flags"])]
    truncated = len(rows) > WORKLIST_LIMIT
    rows = rows[:WORKLIST_LIMIT]
    access_log_record_many(
        action=AccessLog.Action.VIEW,
        request=request,
        objects=[row["case"] for row in rows],
        purpose="ärendelista",
    )
    return render(
        request,
        "cases/worklist.html",
        {
            "rows": rows,
            "title": title,
            "search_form": PersonSearchForm(),
            "filter_form": filter_form,
            "filtered": bool(request.GET),
            "truncated": truncated,
            "limit": WORKLIST_LIMIT,
            "is_coordinator": scope.area_wide,
            "flag_labels": FLAG_LABELS,
            "OVERDUE": OVERDUE,
            "WARNING": WARNING,
        },
    )


def caseload(request):
    """The coordinator's view of each officer's caseload against the norms (SPEC §3, §5)."""
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
