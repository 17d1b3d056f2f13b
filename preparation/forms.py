"""Forms of the preparation group's pages. They only read and check input; preparation.services
checks again and writes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import PreparationGroup
from cases.models import Case, Person
from cases.validators import parse_identity_number
from samverkan.display import user_label
from samverkan.forms import BLANK_LABEL, BaseForm, date_field, model_field, version_field

from .models import REASONS_FOR, Answer, Decision, Referral, Session


class AttendeesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return user_label(obj)


class SessionForm(BaseForm):
    held_on = date_field(_("Mötesdag"))
    group = forms.ModelChoiceField(
        label=_("Beredningsgrupp"), queryset=PreparationGroup.objects.none(), required=False
    )
    attendees = AttendeesField(label=_("Deltagare från FK och AF"), queryset=None, required=False)
    other_attendees = model_field(Session, "other_attendees")

    def __init__(self, *args, area, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = PreparationGroup.objects.filter(area=area)
        self.fields["attendees"].queryset = staff


class SessionNotesForm(BaseForm):
    attendees = AttendeesField(label=_("Deltagare från FK och AF"), queryset=None, required=False)
    other_attendees = model_field(Session, "other_attendees")
    notes = model_field(Session, "notes", max_length=4000)
    version = version_field()

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = staff


class ReferralAddForm(BaseForm):
    """A referred case of the area that may be taken up (preparation.services.presentable_cases)."""

    case = forms.ModelChoiceField(label=_("Anmält ärende"), queryset=Case.objects.none())

    def __init__(self, *args, area_id, held_on, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import presentable_cases

        self.fields["case"].queryset = (
            presentable_cases(area_id)
            .exclude(referral_date__gt=held_on)
            .select_related("person")
            .order_by("referral_date", "person__last_name")
        )
        self.fields["case"].label_from_instance = lambda case: (
            _("%(name)s, anmäld %(day)s")
            % {"name": case.person.full_name, "day": case.referral_date or "–"}
        )


class ConsultationForm(BaseForm):
    """AF asks FK, through the group, about a person of the area, named by personnummer (a
    list of the area's people would show everyone's names)."""

    personnummer = forms.CharField(label=_("Personnummer"), max_length=13)
    question = model_field(
        Referral,
        "question",
        required=True,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, area_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_id = area_id

    def clean_personnummer(self):
        try:
            number = parse_identity_number(self.cleaned_data["personnummer"]).number
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        person = Person.objects.filter(personnummer=number, area_id=self.area_id).first()
        if person is None:
            raise forms.ValidationError(_("Ingen person med det numret i området."))
        return person

    def service_data(self) -> dict:
        return {
            "person": self.cleaned_data["personnummer"],
            "question": self.cleaned_data["question"],
        }


class DecisionForm(BaseForm):
    """The assessment against the needs criteria and the decision with its reason."""

    in_target_group = forms.ChoiceField(
        label=_("Tillhör personen målgruppen?"),
        choices=Answer.choices,
        widget=forms.RadioSelect(attrs={"class": "choices-inline"}),
        required=False,
    )
    priority_young = model_field(Referral, "priority_young")
    priority_benefit_ends = model_field(Referral, "priority_benefit_ends")
    benefit_months_left = model_field(Referral, "benefit_months_left")
    needs = model_field(Referral, "needs", max_length=4000)
    decision = forms.ChoiceField(
        label=_("Beslut"), choices=(), widget=forms.RadioSelect(attrs={"class": "choices-inline"})
    )
    reason = forms.ChoiceField(label=_("Skäl"), choices=())
    reason_text = model_field(
        Referral,
        "reason_text",
        max_length=4000,
        help_text=_("Krävs när personen inte antas och när skälet är ”Annat skäl”."),
    )
    start_on = date_field(
        _("Behovsanalysen startade"),
        required=False,
        help_text=_("Bara för den som antas: fyll i när behovsanalysen har startat."),
    )
    version = version_field()

    def __init__(self, *args, referral: Referral, show_benefit: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if referral.kind == "consultation":
            decisions = [Decision.CONSULTATION_ANSWERED]
            for name in (
                "in_target_group",
                "priority_young",
                "priority_benefit_ends",
                "benefit_months_left",
                "start_on",
            ):
                del self.fields[name]
        else:
            decisions = [Decision.ADMITTED, Decision.NOT_ADMITTED, Decision.POSTPONED]
            if not show_benefit:
                # FK's facts do not reach AF without the person's consent (cases.secrecy).
                del self.fields["benefit_months_left"]
                del self.fields["priority_benefit_ends"]
        self.fields["decision"].choices = [(d.value, d.label) for d in decisions]
        # The reasons grouped by the decision they go with.
        self.fields["reason"].choices = [
            ("", BLANK_LABEL),
            *[
                (str(decision.label), [(r.value, r.label) for r in REASONS_FOR[decision]])
                for decision in decisions
            ],
        ]
