"""Forms for people and cases. They only read and check input: every write goes through
cases.services, which validate again and raise ValidationError; the views put those errors next
to the field they name.

Fields are taken from the models where one exists, so labels, choices and limits are written
once (the model's Swedish verbose_name). The building blocks every app's forms share (the date
field, the hidden version, Swedish blank choices) are samverkan.forms'."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, OfficeUnit
from accounts.offices import offices_of
from audit.access import REASON_MIN_LENGTH
from samverkan.display import user_label
from samverkan.forms import (
    BLANK_LABEL,
    BaseForm,
    ReasonField,
    date_field,
    model_field,
    version_field,
)

from .models import (
    Case,
    Consent,
    ExitReason,
    Person,
    Phase,
    Situation,
    StatusCode,
)
from .registration import REGISTRATION_FIELDS
from .secrecy import editable_case_fields
from .services import SITUATION_FIELDS, STATED_BASES
from .validators import parse_identity_number


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return user_label(obj)


def officers_of(area, agency_code):
    """Staff with their own caseload at one agency in the area: who may be on the team."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_profile__role__is_officer=True,
            staff_profile__agency__code=agency_code,
            staff_profile__areas=area,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class OfficeChoiceField(forms.ModelChoiceField):
    """An office of the record's area (accounts.offices), shown by its name."""

    def __init__(self, field: str, **kwargs):
        label = capfirst(Case._meta.get_field(field).verbose_name)
        super().__init__(label=label, queryset=None, required=False)
        self.kind = OfficeUnit.Kind.LFC if field == "fk_office" else OfficeUnit.Kind.AMO

    def label_from_instance(self, obj):
        return obj.name


def office_fields_for(form, area, *, defaulted: bool = False) -> None:
    """Limit the form's office choices to the area's offices of each kind."""
    for name in ("fk_office", "af_office"):
        if name in form.fields:
            form.fields[name].queryset = offices_of(area, form.fields[name].kind)
            if defaulted:
                form.fields[name].help_text = _("Tomt: handläggarens eget kontor i området.")


# --- search and break the glass ---------------------------------------------------------------


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Sök på namn eller personnummer"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )


class BreakGlassForm(forms.Form):
    reason = ReasonField(
        label=_("Skäl till att du öppnar personen"),
        min_length=REASON_MIN_LENGTH,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Personen finns inte i ditt eller ditt teams ärendebestånd. "
            "Skälet sparas i åtkomstloggen och följs upp av samordnaren."
        ),
        error_messages={
            "min_length": _("Skriv ett skäl på minst %(limit_value)d tecken."),
            "required": _("Du måste ange ett skäl."),
        },
    )


# --- people -----------------------------------------------------------------------------------


class PersonForm(BaseForm):
    first_name = model_field(Person, "first_name")
    last_name = model_field(Person, "last_name")
    born_abroad = model_field(Person, "born_abroad")
    education_level = model_field(Person, "education_level")
    disability = model_field(Person, "disability")
    phone = model_field(Person, "phone")
    email = model_field(Person, "email")
    street_address = model_field(Person, "street_address")
    postal_code = model_field(Person, "postal_code")
    city = model_field(Person, "city")
    protected_identity = model_field(
        Person,
        "protected_identity",
        help_text=_(
            "Personen är en anonym deltagare: utanför handläggarnas egna sidor visas bara "
            "födelseår, kön och område."
        ),
    )

    def service_data(self) -> dict:
        """The cleaned values under the names cases.services expects."""
        return {name: self.cleaned_data[name] for name in PersonForm.base_fields}


class PersonCreateForm(PersonForm):
    personnummer = forms.CharField(
        label=_("Personnummer"),
        max_length=13,
        help_text=_("Personnummer eller samordningsnummer: ÅÅÅÅMMDD-NNNN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    area = forms.ModelChoiceField(label=_("Samverkansområde"), queryset=Area.objects.none())

    field_order = ["personnummer", "first_name", "last_name", "area"]

    def __init__(self, *args, area_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        areas = Area.objects.filter(pk__in=area_ids, is_active=True).order_by("name")
        self.fields["area"].queryset = areas
        self.fields["area"].initial = areas.first()
        self.fields["area"].empty_label = None

    def clean_personnummer(self):
        value = self.cleaned_data["personnummer"]
        parse_identity_number(value)  # the service parses again; here for the message only
        return value


class PersonEditForm(PersonForm):
    version = version_field()


class ConsentForm(BaseForm):
    """The rules of a consent (not in the future, a stated basis, a reason for back-dating) are
    cases.services.consent_record's, which the API calls too; its errors come back here next to
    their fields. Who recorded the consent is the logged-in user: not a field."""

    given_on = model_field(Consent, "given_on", initial=timezone.localdate)
    basis = forms.ChoiceField(
        label=_("Grund"),
        choices=[(value, label) for value, label in Consent.Basis.choices if value in STATED_BASES],
        widget=forms.RadioSelect,
        help_text=Consent._meta.get_field("basis").help_text,
    )
    covers_sharing = model_field(Consent, "covers_sharing")
    covers_follow_up = model_field(Consent, "covers_follow_up")
    legal_basis = model_field(Consent, "legal_basis")
    backdating_reason = forms.CharField(
        label=_("Skäl till bakåtdatering"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=Consent._meta.get_field("backdating_reason").help_text,
    )


class ConsentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        covers = []
        if obj.covers_sharing:
            covers.append(str(_("uppgifter mellan FK och AF")))
        if obj.covers_follow_up:
            covers.append(str(_("uppföljning")))
        return _("Från %(day)s: %(covers)s") % {
            "day": obj.given_on.isoformat(),
            "covers": ", ".join(covers),
        }


class ConsentWithdrawForm(BaseForm):
    consent = ConsentChoiceField(
        label=_("Samtycke som återkallas"),
        queryset=Consent.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    withdrawn_on = date_field(_("Återkallat den"))

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].queryset = person.consents.filter(withdrawn_on__isnull=True)
        self.fields["withdrawn_on"].initial = timezone.localdate


class StatusEntryForm(BaseForm):
    date = date_field(
        _("Datum"), help_text=_("En ny post samma dag ersätter den som redan finns den dagen.")
    )
    code = forms.ModelChoiceField(label=_("Status"), queryset=StatusCode.objects.none())
    note = forms.CharField(label=_("Kommentar"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].queryset = StatusCode.objects.filter(is_active=True)
        self.fields["date"].initial = timezone.localdate


class StatusOnForm(forms.Form):
    status_on = date_field(_("Status på datum"), required=False)


# --- cases ------------------------------------------------------------------------------------

FK_BENEFIT_FIELDS = ("benefit", "benefit_end_date", "sick_leave_start")


class CaseOpenForm(BaseForm):
    phase = forms.ChoiceField(
        label=_("Ärendet börjar som"),
        choices=[
            (Phase.REFERRED, Phase.REFERRED.label),
            (Phase.NEEDS_ANALYSIS, _("Behovsanalys (registrerad i samverkan)")),
        ],
        initial=Phase.REFERRED,
        widget=forms.RadioSelect,
    )
    referral_date = model_field(
        Case,
        "referral_date",
        help_text=_("Dagen då personen presenterades i beredningsgruppen."),
    )
    start_date = model_field(
        Case,
        "start_date",
        help_text=_("Dagen då behovsanalysen startar. Anges bara när ärendet börjar där."),
    )
    target_group = model_field(Case, "target_group")
    fk_officer = OfficerChoiceField(
        label=_("Personlig handläggare (FK)"), queryset=None, required=False
    )
    af_officer = OfficerChoiceField(label=_("Arbetsförmedlare (AF)"), queryset=None, required=False)
    fk_office = OfficeChoiceField("fk_office")
    af_office = OfficeChoiceField("af_office")
    benefit = model_field(Case, "benefit")
    benefit_end_date = model_field(Case, "benefit_end_date")
    sick_leave_start = model_field(Case, "sick_leave_start")

    def __init__(self, *args, person, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fk_officer"].queryset = officers_of(person.area, "FK")
        self.fields["af_officer"].queryset = officers_of(person.area, "AF")
        office_fields_for(self, person.area, defaulted=True)
        own = editable_case_fields(user=user)
        for name in FK_BENEFIT_FIELDS:
            if name not in own:  # FK records the benefit facts (cases.secrecy)
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if data.get("phase") == Phase.REFERRED:
            data["start_date"] = None  # a referred case starts when it moves to needs analysis
        return data

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class CaseEditForm(BaseForm):
    """The common fields and the user's own agency's fields; never the other agency's."""

    COMMON = ("target_group", "fk_officer", "af_officer", "fk_office", "af_office", "referral_date")

    target_group = model_field(Case, "target_group")
    fk_officer = OfficerChoiceField(
        label=_("Personlig handläggare (FK)"), queryset=None, required=False
    )
    af_officer = OfficerChoiceField(label=_("Arbetsförmedlare (AF)"), queryset=None, required=False)
    fk_office = OfficeChoiceField("fk_office")
    af_office = OfficeChoiceField("af_office")
    referral_date = model_field(Case, "referral_date")
    benefit = model_field(Case, "benefit")
    benefit_end_date = model_field(Case, "benefit_end_date")
    sick_leave_start = model_field(Case, "sick_leave_start")
    return_unlikely_before_181 = model_field(Case, "return_unlikely_before_181")
    fk_notes = model_field(Case, "fk_notes")
    af_notes = model_field(Case, "af_notes")
    version = version_field()

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fk_officer"].queryset = officers_of(case.area, "FK")
        self.fields["af_officer"].queryset = officers_of(case.area, "AF")
        office_fields_for(self, case.area)
        self.fields.update({name: model_field(Case, name) for name in REGISTRATION_FIELDS})
        keep = {*self.COMMON, *REGISTRATION_FIELDS, "version"} | editable_case_fields(user=user)
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if case.phase == Phase.REFERRED:
            # A referred case is dated by its preparation group (rule 1 counts from it).
            self.fields["referral_date"].required = True

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class TransitionForm(BaseForm):
    to_phase = forms.ChoiceField(label=_("Ny fas"), choices=(), widget=forms.RadioSelect)
    on = date_field(_("Datum för fasbytet"))
    note = forms.CharField(label=_("Kommentar"), max_length=300, required=False)
    version = version_field()

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_phase"].choices = choices
        self.fields["on"].initial = timezone.localdate


class CloseForm(BaseForm):
    on = date_field(_("Avslutsdatum"))
    exit_reason = forms.ChoiceField(
        label=_("Avslutsorsak"), choices=[("", BLANK_LABEL), *ExitReason.closing_choices()]
    )
    note = forms.CharField(label=_("Kommentar"), max_length=300, required=False)
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate


class MoveForm(BaseForm):
    to_area = forms.ModelChoiceField(label=_("Nytt samverkansområde"), queryset=Area.objects.none())
    on = date_field(_("Flyttdatum"))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_area"].queryset = (
            Area.objects.filter(is_active=True).exclude(pk=case.area_id).order_by("name")
        )
        self.fields["on"].initial = timezone.localdate


class SituationForm(BaseForm):
    registered_with_af = model_field(Situation, "registered_with_af")
    employed = model_field(Situation, "employed")
    employer_orgnr = model_field(
        Situation, "employer_orgnr", help_text=_("NNNNNN-NNNN, om personen är anställd.")
    )
    own_business = model_field(Situation, "own_business")
    working = model_field(Situation, "working")
    work_share_percent = model_field(Situation, "work_share_percent", max_value=100)
    studying = model_field(Situation, "studying")
    public_support_months = model_field(Situation, "public_support_months", max_value=600)

    def __init__(self, *args, moment, **kwargs):
        super().__init__(*args, **kwargs)
        if moment == Situation.Moment.END:
            del self.fields["public_support_months"]  # counted before start only

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in SITUATION_FIELDS if name in self.fields}


class FlagDismissForm(forms.Form):
    reason = ReasonField(
        label=_("Varför är förslaget inte aktuellt?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Skälet sparas i ärendets historik och åtkomstloggen. Förslaget visas inte längre för "
            "det här ärendet."
        ),
    )
