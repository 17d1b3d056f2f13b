"""The participants not yet registered in the national systems (issue 20 point 7): the cases
on the user's list (cases.selectors.case_list_on_caseload: the own and the team's caseload for
an officer, the area for a coordinator) that are due for registration in SUS or AIS and lack it,
the longest waiting first (cases.registration.not_registered)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.scoping import scope_for
from audit.models import AccessLog
from audit.services import access_log_record_many
from samverkan.dates import days_between

from .. import selectors
from ..registration import not_registered

PAGE_SIZE = 50


class SystemForm(forms.Form):
    system = forms.ChoiceField(
        label=_("Saknar registrering i"),
        choices=[("", _("SUS eller AIS")), ("sus", "SUS"), ("ais", "AIS")],
        required=False,
    )


@require_GET
def not_registered_list(request):
    scope = scope_for(request.user)
    if not scope.case_access:
        raise PermissionDenied
    form = SystemForm(request.GET or None)
    system = form.cleaned_data["system"] if form.is_bound and form.is_valid() else ""
    today = timezone.localdate()
    cases = not_registered(
        selectors.case_list_on_caseload(user=request.user).select_related("person", "area"),
        system=system or None,
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"case": case, "waiting": days_between(case.registration_due, today)}
        for case in page.object_list
    ]
    access_log_record_many(
        action=AccessLog.Action.VIEW,
        request=request,
        objects=[row["case"] for row in rows],
        purpose="ej registrerade i SUS/AIS",
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cases/not_registered.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "page_query": params.urlencode(),
            "total": page.paginator.count,
            "several_areas": len(scope.area_ids or ()) > 1,
            "today": today,
        },
    )
