"""Requesting a joint mapping for a person (SPEC §4), with the consent to sharing between the
agencies when none is in force."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import scope_for
from cases.services import consent_record
from cases.views.pages import form_page, person_for_page, reason_required
from samverkan.forms import add_service_errors
from samverkan.services import AccessContext
from samverkan.views import bound_form

from .. import services
from ..forms.mappings import MappingCreateForm
from ..models import AgencyCode

# consent_record's field names as the request form has them.
CONSENT_FIELDS_ON_FORM = {
    "basis": "consent_basis",
    "given_on": "consent_given_on",
    "legal_basis": "consent_legal_basis",
}


@reason_required
@require_http_methods(["GET", "POST"])
def mapping_create(request, pk):
    person, _purpose = person_for_page(request, pk)
    context = {
        "title": _("Begär gemensam kartläggning"),
        "subject": person.full_name,
        "cancel_url": reverse("cases:person_detail", args=[person.pk]),
    }
    if person.mappings.open().exists():
        # One open mapping per person (a database constraint); the service says so too.
        return form_page(
            request,
            {
                **context,
                "intro": _(
                    "Personen har redan en pågående gemensam kartläggning. En ny kan begäras "
                    "när den är avslutad."
                ),
                "form": None,
            },
        )
    scope = scope_for(request.user)
    initial = {}
    if scope.agency_code in AgencyCode.values:
        initial["initiated_by"] = scope.agency_code
        if scope.is_officer:
            initial[f"{scope.agency_code.lower()}_officer"] = request.user.pk
    # The mapping depends on sharing between the agencies: without a consent (or legal basis)
    # in force or waiting for confirmation, the form asks for one.
    ask_consent = (
        not person.consents.in_force_on(timezone.localdate()).filter(covers_sharing=True).exists()
    )
    form = bound_form(
        request,
        MappingCreateForm,
        area=person.area,
        user=request.user,
        initial=initial,
        ask_consent=ask_consent,
    )
    if request.method == "POST" and form.is_valid():
        request_context = AccessContext.from_request(request)
        try:
            with transaction.atomic():
                consent = form.consent_data()
                if consent is not None:
                    consent_record(
                        person=person,
                        covers_sharing=True,
                        covers_follow_up=False,
                        context=request_context,
                        **consent,
                    )
                mapping = services.mapping_create(
                    person=person, context=request_context, **form.service_data()
                )
        except ValidationError as exc:
            add_service_errors(form, exc, rename=CONSENT_FIELDS_ON_FORM)
        else:
            messages.success(request, _("Begäran om gemensam kartläggning är registrerad."))
            return redirect("mapping:mapping_detail", pk=mapping.pk)
    return form_page(
        request,
        {
            **context,
            "intro": _(
                "Kartläggningen kan initieras av båda myndigheterna, för alla som kan behöva "
                "arbetslivsinriktad rehabilitering oavsett ersättning. Försäkringskassan "
                "registrerar uppgifterna om ersättning och sjukfall."
            ),
            "form": form,
            "submit_label": _("Registrera begäran"),
        },
    )
