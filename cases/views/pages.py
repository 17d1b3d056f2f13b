"""What the person and case pages share, and what the pages of the apps above (mapping,
reporting) use of them: fetching a person or a case for a page (scoped, its access logged with
its purpose, SPEC §7), the reason asked before opening someone outside one's caseload, and the
form page."""

from __future__ import annotations

from functools import wraps

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from audit.access import ReasonRequired, get_visible_or_404

from .. import selectors
from ..access import log_person_access
from ..flags import with_flag_inputs
from ..models import Case, Person

FORM_PAGE = "cases/form_page.html"


def reason_required(view):
    """Opening a person outside one's caseload needs a stated reason first (SPEC §7): send the
    user to the reason page and back to this page afterwards."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ReasonRequired as exc:
            reason_url = reverse("cases:person_reason", args=[exc.person.pk])
            if request.path == reverse("cases:person_detail", args=[exc.person.pk]):
                return redirect(reason_url)  # the reason page returns to the person anyway
            return redirect(f"{reason_url}?{urlencode({'next': request.path})}")

    return wrapper


def person_for_page(request, pk) -> tuple[Person, str]:
    """The person, if the user may see them (else 404), and the purpose their access is logged
    with; ReasonRequired outside the caseload (see `reason_required`)."""
    person = get_visible_or_404(
        request=request,
        queryset=selectors.person_list_visible_to(user=request.user),
        pk=pk,
        object_type="person",
    )
    purpose = log_person_access(request=request, obj=person, person=person)
    return person, purpose


def visible_case(request, pk, *, flag_inputs_on=None) -> Case:
    """The case, if the user may see it (else 404); its access is not logged yet."""
    cases = selectors.case_list_visible_to(user=request.user)
    if flag_inputs_on is not None:
        cases = with_flag_inputs(cases, today=flag_inputs_on)
    return get_visible_or_404(
        request=request,
        queryset=cases,
        pk=pk,
        object_type="case",
    )


def case_for_page(request, pk, *, flag_inputs_on=None) -> tuple[Case, str]:
    """The case, as `person_for_page` fetches a person; with `flag_inputs_on` (a day) read with
    what its flags need (cases.flags.with_flag_inputs), in the same query."""
    case = visible_case(request, pk, flag_inputs_on=flag_inputs_on)
    purpose = log_person_access(request=request, obj=case, person=case.person)
    return case, purpose


def case_form_context(case: Case, **extra) -> dict:
    """The heading and way back of a form page about one case."""
    return {
        "subject": _("%(case)s – %(name)s, %(phase)s")
        % {"case": case, "name": case.person.full_name, "phase": case.get_phase_display()},
        "cancel_url": reverse("cases:case_detail", args=[case.pk]),
        **extra,
    }


def form_page(request, context):
    """A page with one form: title, subject, intro, the form (with the "Nu sparat" panel after
    a conflict) or only the way back when the action does not apply."""
    return render(request, FORM_PAGE, context)


def field_label(model, name) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)
