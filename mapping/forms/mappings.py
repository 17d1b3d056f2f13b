"""Forms of the joint-mapping pages (SPEC §4). They only read and check input: every
write goes through mapping.services, which validates again; the views put its errors next to the
field they name."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cases.forms import OfficeChoiceField, OfficerChoiceField, office_fields_for, officers_of
from cases.models import Consent
from cases.secrecy import editable_case_fields
from cases.services import STATED_BASES
from samverkan.forms import BaseForm, ReasonField, model_field, version_field

from ..models import (
    MAPPING_FK_FIELDS,
    AgencyCode,
    Decision,
    JointMapping,
    Participant,
    participants_in_order,
    request_date_errors,
)

# FK's benefit facts (cases.secrecy): only FK staff record them.


def _participants_field():
    return forms.MultipleChoiceField(
        label=capfirst(JointMapping._meta.get_field("participants").verbose_name),
        choices=Participant.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class MappingFactsForm(BaseForm):
    """The facts of a mapping that `mapping_update` may change; the user's agency decides
    whether FK's benefit facts are among them."""

    defaulted_offices = False  # the request's form: an empty office is the officer's own

    initiation_reason = model_field(JointMapping, "initiation_reason", required=True)
    requested_on = model_field(
        JointMapping,
        "requested_on",
        required=True,
        help_text=_("Dagen då den initierande myndigheten skickade begäran."),
    )
    request_received_on = model_field(
        JointMapping,
        "request_received_on",
        help_text=_("Dagen då den andra myndigheten tog emot begäran."),
    )
    fk_officer = OfficerChoiceField(
        label=_("Personlig handläggare (FK)"), queryset=None, required=False
    )
    af_officer = OfficerChoiceField(label=_("Arbetsförmedlare (AF)"), queryset=None, required=False)
    fk_office = OfficeChoiceField("fk_office")
    af_office = OfficeChoiceField("af_office")
    benefit = model_field(JointMapping, "benefit")
    benefit_end_date = model_field(JointMapping, "benefit_end_date")
    sick_leave_start = model_field(
        JointMapping,
        "sick_leave_start",
        help_text=_("Tiden i sjukfallet vid kartläggningen räknas från denna dag (dag 1)."),
    )
    participants = _participants_field()
    rough_plan = model_field(JointMapping, "rough_plan")

    def __init__(self, *args, area, user, first_meeting_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_meeting_on = first_meeting_on
        self.fields["fk_officer"].queryset = officers_of(area, "FK")
        self.fields["af_officer"].queryset = officers_of(area, "AF")
        office_fields_for(self, area, defaulted=self.defaulted_offices)
        own = editable_case_fields(user=user)
        for name in sorted(MAPPING_FK_FIELDS):
            if name not in own:  # FK records the benefit facts (cases.secrecy)
                del self.fields[name]

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def clean(self):
        """The order of the dates too, so every error of the form shows in one pass."""
        cleaned = super().clean()
        order = request_date_errors(
            requested_on=cleaned.get("requested_on"),
            request_received_on=cleaned.get("request_received_on"),
            first_meeting_on=self.first_meeting_on,
        )
        for field, message in order.items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned


# The answer "no consent yet" to the consent question of a mapping request.
NO_CONSENT = "none"


class MappingCreateForm(MappingFactsForm):
    defaulted_offices = True
    initiated_by = model_field(
        JointMapping,
        "initiated_by",
        choices=AgencyCode.choices,
        widget=forms.RadioSelect,
    )

    field_order = ["initiated_by", "initiation_reason", "requested_on", "request_received_on"]

    def __init__(self, *args, ask_consent: bool = False, **kwargs):
        """`ask_consent`: the person has no consent to sharing between the agencies in force,
        and the mapping depends on it (SPEC §7): the form asks for it, recorded with the
        request by cases.services.consent_record."""
        super().__init__(*args, **kwargs)
        self.fields["requested_on"].initial = timezone.localdate
        if ask_consent:
            self.fields["consent_basis"] = forms.ChoiceField(
                label=_("Samtycke till informationsutbyte mellan FK och AF"),
                choices=[
                    *[
                        (value, label)
                        for value, label in Consent.Basis.choices
                        if value in STATED_BASES
                    ],
                    (NO_CONSENT, _("Inget samtycke än")),
                ],
                widget=forms.RadioSelect,
                help_text=_(
                    "Utan samtycke eller rättsligt stöd ser den andra myndigheten inte era "
                    "uppgifter om personen. Ett samtycke som du registrerar bekräftas sedan av "
                    "den andra myndigheten."
                ),
            )
            self.fields["consent_given_on"] = model_field(
                Consent, "given_on", required=False, initial=timezone.localdate
            )
            self.fields["consent_legal_basis"] = model_field(Consent, "legal_basis")

    def consent_data(self) -> dict | None:
        """What consent_record gets, or None when no consent is recorded with the request."""
        basis = self.cleaned_data.get("consent_basis")
        if not basis or basis == NO_CONSENT:
            return None
        return {
            "basis": basis,
            "given_on": self.cleaned_data.get("consent_given_on"),
            "legal_basis": self.cleaned_data.get("consent_legal_basis") or "",
        }

    def service_data(self) -> dict:
        return {k: v for k, v in super().service_data().items() if not k.startswith("consent_")}


class MappingEditForm(MappingFactsForm):
    version = version_field()

    @staticmethod
    def initial_for(mapping: JointMapping) -> dict:
        return {
            "initiation_reason": mapping.initiation_reason,
            "requested_on": mapping.requested_on,
            "request_received_on": mapping.request_received_on,
            "fk_officer": mapping.fk_officer_id,
            "af_officer": mapping.af_officer_id,
            "fk_office": mapping.fk_office_id,
            "af_office": mapping.af_office_id,
            "benefit": mapping.benefit,
            "benefit_end_date": mapping.benefit_end_date,
            "sick_leave_start": mapping.sick_leave_start,
            "participants": participants_in_order(mapping.participants or []),
            "rough_plan": mapping.rough_plan,
            "version": mapping.version,
        }


CASE_FIELDS_HELP = _(
    "Fylls i bara vid beslutet aktiva insatser i samarbete: ärendet öppnas med dessa uppgifter "
    "när båda myndigheterna har bekräftat beslutet."
)


class MappingDecideForm(BaseForm):
    decision = model_field(
        JointMapping, "decision", choices=Decision.choices, widget=forms.RadioSelect, required=True
    )
    decision_reason = model_field(JointMapping, "decision_reason", required=True)
    decision_date = model_field(JointMapping, "decision_date", required=True)
    case_target_group = model_field(JointMapping, "case_target_group", help_text=CASE_FIELDS_HELP)
    case_phase = model_field(
        JointMapping,
        "case_phase",
        widget=forms.RadioSelect,
        choices=JointMapping._meta.get_field("case_phase").choices,
    )
    case_date = model_field(
        JointMapping,
        "case_date",
        help_text=_(
            "Datum för beredningsgruppen om ärendet börjar som anmält, annars dagen då "
            "behovsanalysen startar."
        ),
    )
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision_date"].initial = timezone.localdate
        self.fields["case_phase"].required = False

    def clean(self):
        data = super().clean()
        if data.get("decision") != Decision.JOINT_ACTIVE_SUPPORT:
            # The case fields mean nothing for the other decisions (the service drops them too).
            data["case_target_group"], data["case_phase"], data["case_date"] = "", "", None
        return data

    @staticmethod
    def initial_for(mapping: JointMapping) -> dict:
        initial = {"version": mapping.version}
        if mapping.decision:
            initial.update(
                {
                    name: getattr(mapping, name)
                    for name in (
                        "decision",
                        "decision_reason",
                        "decision_date",
                        "case_target_group",
                        "case_phase",
                        "case_date",
                    )
                }
            )
        return initial

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class MappingSignForm(forms.Form):
    """The confirmation carries the version the officer read (ADR 0008)."""

    version = version_field()


class MappingChangeRequestForm(forms.Form):
    """Instead of confirming: what should change, sent back to the officer who recorded it."""

    version = version_field()
    reason = ReasonField(
        label=_("Vad ska ändras?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Beslutet går tillbaka till handläggaren på den andra myndigheten, som ser skälet "
            "under Att göra. Deras bekräftelse tas bort tills beslutet registreras igen."
        ),
    )


__all__ = [
    "MappingChangeRequestForm",
    "MappingCreateForm",
    "MappingDecideForm",
    "MappingEditForm",
    "MappingSignForm",
]
