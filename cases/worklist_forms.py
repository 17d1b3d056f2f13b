"""The worklist's filters (cases.views.worklist)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.forms import ALL_LABEL

from .flags import FLAG_LABELS
from .models import Phase, TargetGroup

# The worklist's sort keys (the `sort` parameter; "-" before one sorts descending).
WORKLIST_SORTS = ("deadline", "name", "phase", "days", "target_group")


class WorklistFilterForm(forms.Form):
    """Filters are sent by GET, so a view can be bookmarked: they hold codes and ids only, never
    personal data. An officer chooses between their own cases and their team's; a coordinator
    between the whole area and one officer's cases."""

    who = forms.ChoiceField(label=_("Visa"), required=False)
    officer = forms.TypedChoiceField(label=_("Handläggare"), required=False, coerce=int)
    phase = forms.ChoiceField(
        label=_("Fas"),
        required=False,
        choices=[("", ALL_LABEL), *[(p.value, p.label) for p in Phase if p != Phase.CLOSED]],
    )
    flag = forms.ChoiceField(
        label=_("Flagga"), required=False, choices=[("", ALL_LABEL), *FLAG_LABELS.items()]
    )
    target_group = forms.ChoiceField(
        label=_("Målgrupp"), required=False, choices=[("", ALL_LABEL), *TargetGroup.choices]
    )
    overdue = forms.BooleanField(label=_("Bara försenade"), required=False)
    sort = forms.ChoiceField(
        required=False,
        choices=[(key, key) for name in WORKLIST_SORTS for key in (name, f"-{name}")],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, officers=None, **kwargs):
        """`officers`: (user id, name) of the area's officers for a coordinator; None for an
        officer, who chooses between their own and their team's cases."""
        super().__init__(*args, **kwargs)
        if officers is None:
            del self.fields["officer"]
            self.fields["who"].choices = [("", _("Mina ärenden")), ("team", _("Mitt teams"))]
        else:
            del self.fields["who"]
            self.fields["officer"].choices = [("", _("Alla i området")), *officers]

    def clean_sort(self):
        return self.cleaned_data.get("sort") or "deadline"


class ReassignForm(forms.Form):
    """A coordinator gives some of one officer's open cases to another officer of the same
    agency (cases.services.cases_reassign checks it all again)."""

    cases = forms.TypedMultipleChoiceField(
        label=_("Ärenden"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    to_user = forms.TypedChoiceField(label=_("Ge ärendena till"), coerce=int)

    # The officer first: the list of cases can be long.
    field_order = ["to_user", "cases"]

    def __init__(self, *args, cases, officers, **kwargs):
        """`cases`: (case id, label); `officers`: (user id, name) of the agency's officers."""
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = cases
        self.fields["to_user"].choices = [("", "–"), *officers]
