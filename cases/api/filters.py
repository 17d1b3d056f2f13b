"""List filters of the cases app's resources. Every filter narrows a list that is already scoped
to the caller (samverkan.api.ScopedReadOnlyViewSet): a filter never widens what a user sees.
Invalid values answer 400 naming the parameter."""

import django_filters
from django import forms

from cases.models import Case, Consent, Person, Phase, PhaseTransition, StatusEntry, TargetGroup
from samverkan.api import AreaCodeFilter, ScopedFilterSet, with_period

# Ids are bigints: anything else is a 400 naming the parameter, never a database error.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A record's id (a whole number); an id outside the caller's scope matches nothing."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@with_period("created_at__date", "Registrerad i Samverkan")
class PersonFilter(ScopedFilterSet):
    class Meta:
        model = Person
        fields = ["area"]


@with_period(
    "start_date",
    "Registreringsdag (start av behovsanalysen; ärenden som ännu bara är anmälda har ingen "
    "och faller bort när perioden anges)",
)
class CaseFilter(ScopedFilterSet):
    phase = django_filters.ChoiceFilter(choices=Phase.choices, label="Ärendets fas")
    target_group = django_filters.ChoiceFilter(choices=TargetGroup.choices, label="Målgrupp")
    person = IdFilter(field_name="person", label="Deltagarens id")

    class Meta:
        model = Case
        fields = ["area", "phase", "target_group", "person"]


@with_period("date", "Datum för fasbytet")
class PhaseTransitionFilter(ScopedFilterSet):
    area = AreaCodeFilter(field_name="case__area__code")
    case = IdFilter(field_name="case", label="Ärendets id")
    phase = django_filters.ChoiceFilter(
        field_name="to_phase", choices=Phase.choices, label="Fasen som ärendet gick till"
    )

    class Meta:
        model = PhaseTransition
        fields = ["area", "case", "phase"]


@with_period("date", "Statuspostens datum")
class StatusEntryFilter(ScopedFilterSet):
    area = AreaCodeFilter(field_name="person__area__code")
    person = IdFilter(field_name="person", label="Deltagarens id")

    class Meta:
        model = StatusEntry
        fields = ["area", "person"]


@with_period("given_on", "Dagen samtycket gäller från")
class ConsentFilter(ScopedFilterSet):
    area = AreaCodeFilter(field_name="person__area__code")
    person = IdFilter(field_name="person", label="Deltagarens id")

    class Meta:
        model = Consent
        fields = ["area", "person"]
