"""Pages for people and cases. Every object is fetched through cases.access."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import scope_for
from audit.models import AccessLog
from audit.services import access_log_record, access_log_record_many

from . import selectors
from .access import (
    ReasonRequired,
    break_glass_grant,
    get_visible_or_404,
    log_person_access,
)
from .forms import BreakGlassForm, PersonSearchForm


def home(request):
    """Each role lands where its work is (SPEC §1)."""
    scope = scope_for(request.user)
    if scope.case_access:
        return worklist(request)
    if scope.area_aggregates or scope.national_aggregates:
        return redirect("reporting:overview")
    return render(request, "cases/no_role.html")


def worklist(request):
    scope = scope_for(request.user)
    if scope.area_wide:
        cases = selectors.case_list_on_caseload(user=request.user).open()
        title = _("Områdets ärenden")
    else:
        cases = selectors.my_open_cases(user=request.user)
        title = _("Mina ärenden")
    cases = list(cases[:200])
    access_log_record_many(
        action=AccessLog.Action.VIEW, request=request, objects=cases, purpose="ärendelista"
    )
    return render(
        request,
        "cases/worklist.html",
        {"cases": cases, "title": title, "search_form": PersonSearchForm()},
    )


@require_http_methods(["GET", "POST"])
def person_search(request):
    """Search is POSTed so a personnummer never lands in an address or a server log."""
    form = PersonSearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
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
    return render(request, "cases/person_search.html", {"form": form, "results": results})


def person_detail(request, pk):
    person = get_visible_or_404(
        request=request,
        queryset=selectors.person_list_visible_to(user=request.user),
        pk=pk,
        object_type="person",
    )
    try:
        purpose = log_person_access(request=request, obj=person, person=person)
    except ReasonRequired:
        return redirect("cases:person_reason", pk=person.pk)
    cases = person.cases.visible_to(request.user).select_related("fk_officer", "af_officer")
    return render(
        request,
        "cases/person_detail.html",
        {"person": person, "cases": cases, "purpose": purpose},
    )


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


def case_detail(request, pk):
    case = get_visible_or_404(
        request=request,
        queryset=selectors.case_list_visible_to(user=request.user),
        pk=pk,
        object_type="case",
    )
    try:
        purpose = log_person_access(request=request, obj=case, person=case.person)
    except ReasonRequired:
        # Back to this case once the reason is given.
        reason_url = reverse("cases:person_reason", args=[case.person_id])
        return redirect(f"{reason_url}?{urlencode({'next': request.path})}")
    return render(request, "cases/case_detail.html", {"case": case, "purpose": purpose})
