"""Pages for people and cases. Every object is fetched through cases.access."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import scope_for
from audit.models import AccessLog
from audit.services import access_log_record

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
        cases = selectors.case_list_visible_to(user=request.user).open()
        title = _("Områdets ärenden")
    else:
        cases = selectors.my_open_cases(user=request.user)
        title = _("Mina ärenden")
    return render(
        request,
        "cases/worklist.html",
        {"cases": cases[:200], "title": title, "search_form": PersonSearchForm()},
    )


@require_http_methods(["GET", "POST"])
def person_search(request):
    """Search is POSTed so a personnummer never lands in an address or a server log."""
    form = PersonSearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = list(
            selectors.person_search(user=request.user, query=form.cleaned_data["q"])[:50]
        )
        access_log_record(
            action=AccessLog.Action.SEARCH,
            request=request,
            object_type="person",
            # The log is kept in Swedish whatever the user's language.
            purpose=f"sökning, {len(results)} träff{'ar' if len(results) != 1 else ''}",
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
        return redirect("cases:person_detail", pk=person.pk)
    # Only the masked number is shown before the reason is given.
    return render(request, "cases/person_reason.html", {"person": person, "form": form})


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
        return redirect(f"{reverse('cases:person_reason', args=[case.person_id])}")
    return render(request, "cases/case_detail.html", {"case": case, "purpose": purpose})
