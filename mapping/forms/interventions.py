"""Forms of the intervention pages (SPEC §4). They read and check input only: every write goes
through mapping.services, which checks the business rules again (plan first, dates, hours) and
raises ValidationErrors that the views put next to the field they name."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.forms import BLANK_LABEL, BaseForm, date_field, model_field, version_field

from ..models import ORIENTED_KINDS, Intervention, Outcome, kind_choices_grouped


class HoursField(forms.DecimalField):
    """Planned hours per week as people type them: "6,5" (Swedish decimal comma) or "6.5".

    Hours never need a thousands separator, so a comma is always the decimal sign, whatever the
    interface language."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\xa0", "").replace(" ", "").replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        # A whole number of hours is shown without decimals: "6", not "6,0".
        if isinstance(value, Decimal) and value == value.to_integral_value():
            value = value.quantize(Decimal(1))
        return super().prepare_value(value)


def hours_field(**kwargs):
    return model_field(
        Intervention,
        "hours_per_week",
        form_class=HoursField,
        min_value=Decimal("0.5"),
        max_value=Decimal("40"),
        localize=True,  # shown as "6,5" in Swedish
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"invalid": _("Ange timmar som ett tal, till exempel 6 eller 6,5.")},
        **kwargs,
    )


def outcome_field(**kwargs):
    kwargs.setdefault("label", _("Resultat"))
    return forms.ChoiceField(choices=[("", BLANK_LABEL), *Outcome.choices], **kwargs)


PROVIDER_NAME_HELP = _("Krävs när insatsen köps från en annan aktör.")

PLANNED = "planned"
STARTED = "started"


class InterventionCreateForm(BaseForm):
    kind = forms.ChoiceField(
        label=_("Insats"),
        choices=[("", BLANK_LABEL), *kind_choices_grouped()],
        help_text=_(
            "Arbetsförberedande insatser förbereder för arbete; arbetslivsinriktade insatser "
            "sker mot arbetsmarknaden."
        ),
    )
    provider = model_field(Intervention, "provider")
    provider_name = model_field(Intervention, "provider_name", help_text=PROVIDER_NAME_HELP)
    hours_per_week = hours_field()
    goal = model_field(Intervention, "goal")
    status = forms.ChoiceField(
        label=_("Har insatsen startat?"),
        choices=[
            (PLANNED, _("Nej, den är planerad – deltagaren väntar på den")),
            (STARTED, _("Ja, den har startat")),
        ],
        initial=PLANNED,
        widget=forms.RadioSelect,
    )
    planned_start = model_field(
        Intervention,
        "planned_start",
        help_text=_("Fyll i om insatsen är planerad och datumet är bestämt: i dag eller senare."),
    )
    start_date = model_field(
        Intervention,
        "start_date",
        help_text=_(
            "Fyll i om insatsen har startat. Startar den i behovsanalysen går ärendet till "
            "introduktion och prövning (en individuell plan krävs); en arbetslivsinriktad insats "
            "flyttar ärendet till arbetslivsinriktade insatser."
        ),
    )

    def clean(self):
        data = super().clean()
        started = data.get("status") == STARTED
        if "start_date" not in self.errors:
            if started and not data.get("start_date"):
                self.add_error("start_date", _("Ange startdatum när insatsen har startat."))
            elif not started and data.get("start_date"):
                # Never drop a typed date silently: the two answers disagree.
                self.add_error(
                    "start_date",
                    _("Välj ”Ja, den har startat” eller lämna startdatumet tomt."),
                )
        return data

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "status"}


class InterventionEditForm(BaseForm):
    """Description, hours and notes. The planned start only while it is planned; the outcome
    only once it has ended (start and end have their own actions)."""

    provider = model_field(Intervention, "provider")
    provider_name = model_field(Intervention, "provider_name", help_text=PROVIDER_NAME_HELP)
    hours_per_week = hours_field()
    planned_start = model_field(
        Intervention, "planned_start", help_text=_("I dag eller senare, om datumet är bestämt.")
    )
    goal = model_field(Intervention, "goal")
    follow_up_notes = model_field(Intervention, "follow_up_notes")
    outcome = outcome_field(required=False)
    cost = model_field(
        Intervention,
        "cost",
        localize=True,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    version = version_field()

    def __init__(self, *args, intervention: Intervention, **kwargs):
        super().__init__(*args, **kwargs)
        if intervention.start_date is not None:
            del self.fields["planned_start"]
        if intervention.end_date is None:
            del self.fields["outcome"]

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class InterventionStartForm(BaseForm):
    start_date = date_field(_("Startdatum"))
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].initial = timezone.localdate


class InterventionEndForm(BaseForm):
    end_date = date_field(_("Slutdatum"))
    outcome = outcome_field()
    follow_up_notes = model_field(Intervention, "follow_up_notes")
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].initial = timezone.localdate


class InterventionMoveForm(BaseForm):
    on = date_field(
        _("Datum för bytet"),
        help_text=_("Den arbetsförberedande insatsen slutar och den nya startar samma dag."),
    )
    outcome = outcome_field(label=_("Resultat av den arbetsförberedande insatsen"))
    kind = forms.ChoiceField(
        label=_("Ny arbetslivsinriktad insats"),
        choices=[("", BLANK_LABEL), *[(k.value, k.label) for k in ORIENTED_KINDS]],
    )
    provider = model_field(Intervention, "provider")
    provider_name = model_field(Intervention, "provider_name", help_text=PROVIDER_NAME_HELP)
    hours_per_week = hours_field()
    goal = model_field(Intervention, "goal", label=_("Mål med den nya insatsen"))
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate
