"""The coordinator gives cases from one officer to another (SPEC §3)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts.models import StaffProfile
from accounts.scoping import scope_for
from audit.models import AccessLog
from audit.services import access_log_record_many
from samverkan.display import user_label
from samverkan.forms import add_service_errors
from samverkan.services import AccessContext

from .. import services
from ..models import Case, Phase
from ..worklist_forms import ReassignForm


def _officer_of_my_areas(scope, user_id):
    profile = (
        StaffProfile.objects.filter(
            user_id=user_id, role__is_officer=True, areas__in=scope.area_ids
        )
        .select_related("user", "agency")
        .first()
    )
    if profile is None or profile.agency is None:
        raise Http404
    return profile


@require_http_methods(["GET", "POST"])
def reassign(request, officer):
    scope = scope_for(request.user)
    if not scope.is_coordinator:
        raise PermissionDenied
    profile = _officer_of_my_areas(scope, officer)
    agency = profile.agency.code
    field = "fk_officer" if agency == "FK" else "af_officer"
    cases = list(
        Case.objects.filter(area_id__in=scope.area_ids, **{field: profile.user})
        .exclude(phase=Phase.CLOSED)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    others = (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_profile__role__is_officer=True,
            staff_profile__agency__code=agency,
            staff_profile__areas__in=scope.area_ids,
        )
        .exclude(pk=profile.user_id)
        .distinct()
        .order_by("last_name", "first_name")
    )
    form = ReassignForm(
        request.POST or None,
        cases=[(case.pk, f"{case.person.full_name}, {case.get_phase_display()}") for case in cases],
        officers=[(user.pk, user_label(user)) for user in others],
    )
    if request.method == "POST" and form.is_valid():
        to_user = others.filter(pk=form.cleaned_data["to_user"]).first()
        try:
            if to_user is None:
                raise ValidationError({"to_user": _("Välj en handläggare i listan.")})
            moved = services.cases_reassign(
                case_ids=form.cleaned_data["cases"],
                agency=agency,
                to_user=to_user,
                context=AccessContext.from_request(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s ärende har getts till %(name)s.",
                    "%(n)s ärenden har getts till %(name)s.",
                    len(moved),
                )
                % {"n": len(moved), "name": user_label(to_user)},
            )
            return redirect(f"{reverse('home')}?officer={to_user.pk}")
    access_log_record_many(
        action=AccessLog.Action.VIEW, request=request, objects=cases, purpose="fördelning"
    )
    return render(
        request,
        "cases/reassign.html",
        {
            "title": _("Fördela ärenden"),
            "officer": profile,
            "form": form,
            "cases": cases,
            "worklist_url": f"{reverse('home')}?officer={profile.user_id}",
        },
    )
