"""Joint-mapping pages (SPEC §4, ADR 0008): request a mapping, read it, change its facts, record
the decision and confirm it for one's agency.

Every page fetches its object through a scoped selector (another area's object answers 404),
logs the access with its purpose (break-the-glass outside the caseload), and writes only through
mapping.services, whose ValidationErrors are shown next to the field they name."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import scope_for
from cases.secrecy import FK_FIELDS, hidden_case_fields
from cases.views.pages import form_page, reason_required
from samverkan.services import AccessContext
from samverkan.views import bound_form, versioned_edit

from .. import services
from ..forms.mappings import (
    MappingDecideForm,
    MappingEditForm,
    MappingSignForm,
)
from ..models import (
    AgencyCode,
    JointMapping,
    sick_leave_day,
)
from .mapping_common import (
    _agency_label,
    _decision_summary,
    _mapping,
    _mapping_history,
    _mapping_page_context,
    _sign_refusal,
    _stored,
    _value,
    mapping_status_label,
    participant_labels,
)

# --- the mapping page -------------------------------------------------------------------------

FACT_FIELDS = (
    "initiated_by",
    "requested_on",
    "request_received_on",
    "first_meeting_on",
    "ended_on",
    "fk_officer",
    "af_officer",
    "benefit",
    "benefit_end_date",
    "sick_leave_start",
)


def _to_mapping(mapping: JointMapping) -> str:
    return reverse("mapping:mapping_detail", args=[mapping.pk])


def _sick_leave_fact(mapping: JointMapping) -> str:
    band = mapping.get_sick_leave_band_display()
    if not band:
        return "–"
    day = sick_leave_day(mapping.sick_leave_start, mapping.mapping_date)
    return _("%(band)s (dag %(day)d i sjukfallet)") % {"band": band, "day": day}


@reason_required
@require_http_methods(["GET"])
def mapping_detail(request, pk):
    mapping, purpose = _mapping(request, pk)
    person = mapping.person
    hidden = hidden_case_fields(user=request.user, person=person, on=timezone.localdate())
    facts = [
        (
            capfirst(JointMapping._meta.get_field(name).verbose_name),
            _value(JointMapping._meta.get_field(name), getattr(mapping, name)),
        )
        for name in FACT_FIELDS
        if name not in hidden
    ]
    if "sick_leave_start" not in hidden:
        facts.append((_("Tid i sjukfallet vid kartläggningen"), _sick_leave_fact(mapping)))
    facts.append(
        (
            capfirst(JointMapping._meta.get_field("participants").verbose_name),
            ", ".join(participant_labels(mapping.participants)) or "–",
        )
    )
    meetings = list(mapping.meetings.select_related("created_by"))
    for meeting in meetings:
        meeting.participant_labels = participant_labels(meeting.participants)
    refusal = _sign_refusal(request.user, mapping)
    return render(
        request,
        "mapping/mapping_detail.html",
        {
            "mapping": mapping,
            "person": person,
            "purpose": purpose,
            "status": mapping_status_label(mapping),
            "facts": facts,
            "fk_hidden": bool(hidden & FK_FIELDS),
            "meetings": meetings,
            "decision": _decision_summary(mapping),
            "can_edit": mapping.is_open,
            "can_decide": mapping.is_open and mapping.first_meeting_on is not None,
            "can_sign": mapping.decision_pending and refusal is None,
            "history": _mapping_history(mapping, hidden),
        },
    )


# --- request, change, decide, confirm ---------------------------------------------------------


@reason_required
@require_http_methods(["GET", "POST"])
def mapping_edit(request, pk):
    mapping, _purpose = _mapping(request, pk)
    title = _("Ändra kartläggning")
    if not mapping.is_open:
        return form_page(
            request,
            _mapping_page_context(
                mapping,
                title=title,
                intro=_("Kartläggningen är avslutad och kan inte ändras."),
                form=None,
            ),
        )
    kwargs = {
        "area": mapping.area,
        "user": request.user,
        "first_meeting_on": mapping.first_meeting_on,
    }
    form = bound_form(
        request, MappingEditForm, initial=MappingEditForm.initial_for(mapping), **kwargs
    )
    edit = versioned_edit(
        request,
        form,
        record=mapping,
        save=lambda form: services.mapping_update(
            mapping=mapping,
            expected_version=form.cleaned_data["version"],
            data=form.service_data(),
            context=AccessContext.from_request(request),
        ),
        message=_("Kartläggningen är sparad."),
        success_url=_to_mapping(mapping),
        rebind=lambda data: MappingEditForm(data, **kwargs),
        stored=_stored,
    )
    if edit.response:
        return edit.response
    intro = _(
        "Varje myndighet registrerar sina egna uppgifter: Försäkringskassan ersättningen och "
        "sjukfallet."
    )
    if mapping.decision_pending:
        intro = " ".join(
            [
                str(intro),
                _(
                    "Beslutet väntar på bekräftelse: sparar du en ändring tas bekräftelserna "
                    "bort, och båda myndigheterna bekräftar beslutet på nytt."
                ),
            ]
        )
    return form_page(
        request,
        _mapping_page_context(
            mapping,
            title=title,
            intro=intro,
            form=edit.form,
            stored=edit.stored,
            submit_label=_("Spara"),
        ),
    )


def _decided_message(mapping: JointMapping) -> str:
    signed = [a for a in AgencyCode.values if mapping.signed_by_agency(a)]
    if not signed:
        return _("Beslutet är registrerat. Det väntar på bekräftelse från båda myndigheterna.")
    waiting = [a for a in AgencyCode.values if a not in signed]
    return _(
        "Beslutet är registrerat och bekräftat för %(signed)s. Det väntar på bekräftelse från "
        "%(waiting)s."
    ) % {
        "signed": ", ".join(_agency_label(a) for a in signed),
        "waiting": ", ".join(_agency_label(a) for a in waiting),
    }


@reason_required
@require_http_methods(["GET", "POST"])
def mapping_decide(request, pk):
    mapping, _purpose = _mapping(request, pk)
    title = _("Beslut efter kartläggningen")
    refusal = None
    if not mapping.is_open:
        refusal = _("Kartläggningen är avslutad; beslutet kan inte ändras.")
    elif mapping.first_meeting_on is None:
        refusal = _("Registrera minst ett kartläggningsmöte innan beslutet fattas.")
    if refusal:
        return form_page(
            request, _mapping_page_context(mapping, title=title, intro=refusal, form=None)
        )
    form = bound_form(request, MappingDecideForm, initial=MappingDecideForm.initial_for(mapping))
    edit = versioned_edit(
        request,
        form,
        record=mapping,
        save=lambda form: services.mapping_decide(
            mapping=mapping,
            expected_version=form.cleaned_data["version"],
            context=AccessContext.from_request(request),
            **form.service_data(),
        ),
        message=_decided_message,
        success_url=_to_mapping(mapping),
        stored=_stored,
    )
    if edit.response:
        return edit.response
    intro = _(
        "Beslutet fattas av båda myndigheterna tillsammans och gäller när både "
        "Försäkringskassan och Arbetsförmedlingen har bekräftat det. När du registrerar beslutet "
        "bekräftar du det samtidigt för din myndighet. Väljer ni aktiva insatser i samarbete "
        "öppnas ärendet när båda har bekräftat; ange då målgrupp, fas och datum för ärendet."
    )
    if mapping.decision_pending:
        intro = " ".join([str(intro), _("Ändrar du beslutet tas de tidigare bekräftelserna bort.")])
    return form_page(
        request,
        _mapping_page_context(
            mapping,
            title=title,
            intro=intro,
            form=edit.form,
            stored=edit.stored,
            submit_label=_("Registrera beslutet"),
        ),
    )


def _signed_message(mapping: JointMapping, agency: str) -> str:
    if mapping.case_id:
        return _(
            "Beslutet är bekräftat av båda myndigheterna. Ärendet är öppnat och "
            "kartläggningen är avslutad."
        )
    if not mapping.is_open:
        return _("Beslutet är bekräftat av båda myndigheterna och kartläggningen är avslutad.")
    other = AgencyCode.AF if agency == AgencyCode.FK else AgencyCode.FK
    return _("Beslutet är bekräftat för %(agency)s. Det väntar på bekräftelse från %(other)s.") % {
        "agency": _agency_label(agency),
        "other": _agency_label(other),
    }


def _after_signing(mapping: JointMapping) -> str:
    """To the case the decision opened, else back to the mapping."""
    if mapping.case_id:
        return reverse("cases:case_detail", args=[mapping.case_id])
    return _to_mapping(mapping)


@reason_required
@require_http_methods(["GET", "POST"])
def mapping_sign(request, pk):
    mapping, _purpose = _mapping(request, pk)
    form = bound_form(request, MappingSignForm, initial={"version": mapping.version})
    edit = versioned_edit(
        request,
        form,
        record=mapping,
        save=lambda form: services.mapping_sign(
            mapping=mapping,
            expected_version=form.cleaned_data["version"],
            context=AccessContext.from_request(request),
        ),
        message=lambda current: _signed_message(current, scope_for(request.user).agency_code),
        success_url=_after_signing,
        conflict_message=_(
            "Beslutet har ändrats sedan du öppnade sidan. Inget är bekräftat: läs "
            "igenom beslutet nedan och bekräfta igen."
        ),
    )
    if edit.response:
        return edit.response
    refusal = _sign_refusal(request.user, mapping)
    agency = scope_for(request.user).agency_code
    return render(
        request,
        "mapping/mapping_sign.html",
        {
            **_mapping_page_context(mapping, title=_("Bekräfta beslutet")),
            "mapping": mapping,
            "decision": _decision_summary(mapping),
            "form": edit.form,
            "refusal": refusal,
            "agency_label": _agency_label(agency) if agency in AgencyCode.values else "",
        },
    )
