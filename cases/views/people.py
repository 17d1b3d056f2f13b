"""Person pages: registration, facts, consent, status entries, opening a case."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import scope_for
from samverkan.display import display_value
from samverkan.forms import add_service_errors
from samverkan.services import AccessContext
from samverkan.views import bound_form, record_initial, stored_rows, versioned_edit

from .. import selectors, services
from ..forms import (
    CaseOpenForm,
    ConsentForm,
    ConsentWithdrawForm,
    PersonCreateForm,
    PersonEditForm,
    StatusEntryForm,
    StatusOnForm,
)
from ..models import Person, StatusEntry
from ..validators import parse_identity_number
from .pages import field_label, form_page, person_for_page, reason_required
from .parts import person_page_parts

PERSON_FACTS = (
    "born_abroad",
    "education_level",
    "disability",
    "phone",
    "email",
    "street_address",
    "postal_code",
    "city",
    "protected_identity",
)


def _already_registered(user, personnummer: str) -> Person | None:
    """The person of `personnummer` if registered in one of the user's areas (another area's
    person stays a refusal, logged by the service)."""
    try:
        number = parse_identity_number(personnummer).number
    except ValidationError:
        return None
    return selectors.person_list_visible_to(user=user).filter(personnummer=number).first()


@require_http_methods(["GET", "POST"])
def person_create(request):
    scope = scope_for(request.user)
    if not scope.case_access:
        raise PermissionDenied
    form = bound_form(request, PersonCreateForm, area_ids=scope.area_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(
                personnummer=data["personnummer"],
                area=data["area"],
                context=AccessContext.from_request(request),
                **form.service_data(),
            )
        except ValidationError as exc:
            existing = _already_registered(request.user, data["personnummer"])
            if existing is not None:
                # Registered already in the user's areas: to that person, through the stated
                # reason (break the glass) when they are not on the user's caseload.
                messages.info(request, _("Personen finns redan registrerad. Här är personen."))
                return redirect("cases:person_detail", pk=existing.pk)
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Personen är registrerad."))
            return redirect("cases:person_detail", pk=person.pk)
    return form_page(
        request,
        {
            "title": _("Registrera ny person"),
            "form": form,
            "submit_label": _("Registrera"),
            "cancel_url": reverse("home"),
        },
    )


@reason_required
@require_http_methods(["GET", "POST"])
def person_detail(request, pk):
    # POST reaches the access check, so that an outsider's POST answers 404 like their GET;
    # the page itself only shows.
    person, purpose = person_for_page(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    today = timezone.localdate()
    cases = list(
        person.cases.visible_to(request.user)
        .select_related("fk_officer", "af_officer", "area")
        .order_by("-created_at", "-id")
    )
    status_form = StatusOnForm(request.GET if "status_on" in request.GET else None)
    status_on = None
    if status_form.is_bound and status_form.is_valid() and status_form.cleaned_data["status_on"]:
        day = status_form.cleaned_data["status_on"]
        status_on = {"day": day, "entry": StatusEntry.status_on(person, day)}
    return render(
        request,
        "cases/person_detail.html",
        {
            "person": person,
            "purpose": purpose,
            "cases": cases,
            "has_open_case": any(c.is_open for c in cases),
            "parts": person_page_parts(request=request, person=person, today=today),
            "consents": list(person.consents.select_related("recorded_by")),
            "my_agency": scope_for(request.user).agency_code,
            "entries": list(person.status_entries.select_related("code", "created_by")),
            "status_form": status_form,
            "status_on": status_on,
            "anonymous": person.is_anonymous_on(today),
            "facts": [
                (
                    field_label(Person, name),
                    display_value(Person._meta.get_field(name), getattr(person, name)),
                )
                for name in PERSON_FACTS
            ],
        },
    )


@reason_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person, _purpose = person_for_page(request, pk)
    form = bound_form(request, PersonEditForm)
    if not form.is_bound:
        form.initial = record_initial(person, form)
    edit = versioned_edit(
        request,
        form,
        record=person,
        save=lambda form: services.person_update(
            person=person,
            expected_version=form.cleaned_data["version"],
            data=form.service_data(),
            context=AccessContext.from_request(request),
        ),
        message=_("Uppgifterna är sparade."),
        success_url=reverse("cases:person_detail", args=[person.pk]),
        stored=stored_rows,
    )
    if edit.response:
        return edit.response
    return form_page(
        request,
        {
            "title": _("Ändra uppgifter om %(name)s") % {"name": person.full_name},
            "form": edit.form,
            "stored": edit.stored,
            "submit_label": _("Spara"),
            "cancel_url": reverse("cases:person_detail", args=[person.pk]),
        },
    )


@reason_required
@require_http_methods(["GET", "POST"])
def consent_create(request, pk):
    person, _purpose = person_for_page(request, pk)
    form = bound_form(request, ConsentForm)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(
                person=person, context=AccessContext.from_request(request), **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Samtycket är registrerat."))
            return redirect("cases:person_detail", pk=person.pk)
    return form_page(
        request,
        {
            "title": _("Registrera samtycke"),
            "subject": person.full_name,
            "intro": _(
                "Samtycket eller den rättsliga grunden styr vilka uppgifter som får lämnas "
                "mellan Försäkringskassan och Arbetsförmedlingen och om personen får ingå i "
                "uppföljningen. Uppgifter lämnas mellan myndigheterna först när den andra "
                "myndigheten har bekräftat samtycket."
            ),
            "form": form,
            "submit_label": _("Registrera samtycke"),
            "cancel_url": reverse("cases:person_detail", args=[person.pk]),
        },
    )


@reason_required
@require_http_methods(["GET", "POST"])
def consent_confirm(request, pk):
    """The acting user's agency confirms a consent that waits for it (cases.services): a button
    on the person page posts the consent's id. There is nothing to show, so a GET (once the
    person is found) goes back to the person page."""
    person, _purpose = person_for_page(request, pk)
    chosen = request.POST.get("consent", "")
    if request.method == "POST":
        known = chosen.isdigit() and len(chosen) <= 18  # a bigint id, never a database error
        consent = person.consents.filter(pk=int(chosen)).first() if known else None
        if consent is None:
            messages.error(request, _("Samtycket finns inte hos personen."))
        else:
            try:
                services.consent_confirm(
                    consent=consent, context=AccessContext.from_request(request)
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Samtycket är bekräftat."))
    return redirect("cases:person_detail", pk=person.pk)


@reason_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, pk):
    """The consent is chosen in the form (preselected by ?samtycke=<id> from the person page)."""
    person, _purpose = person_for_page(request, pk)
    initial = {}
    chosen = request.GET.get("samtycke", "")
    if chosen.isdigit() and len(chosen) < 10:
        initial["consent"] = int(chosen)
    form = bound_form(request, ConsentWithdrawForm, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                consent=form.cleaned_data["consent"],
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                context=AccessContext.from_request(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Samtycket är återkallat."))
            return redirect("cases:person_detail", pk=person.pk)
    no_consent = not form.fields["consent"].queryset.exists()
    return form_page(
        request,
        {
            "title": _("Återkalla samtycke"),
            "subject": person.full_name,
            "intro": _("Personen har inget gällande samtycke.") if no_consent else "",
            "form": None if no_consent else form,
            "submit_label": _("Återkalla"),
            "cancel_url": reverse("cases:person_detail", args=[person.pk]),
        },
    )


@reason_required
@require_http_methods(["GET", "POST"])
def status_entry_create(request, pk):
    person, _purpose = person_for_page(request, pk)
    form = bound_form(request, StatusEntryForm)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.status_entry_save(
                person=person,
                on=data["date"],
                code=data["code"],
                note=data["note"],
                context=AccessContext.from_request(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Statusposten är sparad."))
            return redirect("cases:person_detail", pk=person.pk)
    return form_page(
        request,
        {
            "title": _("Ny statuspost"),
            "subject": person.full_name,
            "form": form,
            "submit_label": _("Spara"),
            "cancel_url": reverse("cases:person_detail", args=[person.pk]),
        },
    )


@reason_required
@require_http_methods(["GET", "POST"])
def case_open(request, pk):
    person, _purpose = person_for_page(request, pk)
    scope = scope_for(request.user)
    initial = {}
    if scope.is_officer and scope.agency_code in ("FK", "AF"):
        initial[f"{scope.agency_code.lower()}_officer"] = request.user.pk
    form = bound_form(request, CaseOpenForm, person=person, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                person=person, context=AccessContext.from_request(request), **form.service_data()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Ärendet är öppnat."))
            return redirect("cases:case_detail", pk=case.pk)
    open_case = person.cases.open().first()
    return form_page(
        request,
        {
            "title": _("Öppna ärende"),
            "subject": person.full_name,
            "intro": _("Personen har redan ett öppet ärende och kan inte ha två samtidigt.")
            if open_case
            else "",
            "form": form,
            "submit_label": _("Öppna ärendet"),
            "cancel_url": reverse("cases:person_detail", args=[person.pk]),
        },
    )
