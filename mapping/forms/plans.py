"""The form of the individual plan (SPEC §4): each save is a new version of the case's plan,
written by mapping.services.plan_save."""

from __future__ import annotations

from django import forms

from samverkan.forms import MAX_VERSION, BaseForm, model_field

from ..models import PlanVersion


class PlanForm(BaseForm):
    goal = model_field(PlanVersion, "goal")
    activities = model_field(PlanVersion, "activities")
    start_date = model_field(PlanVersion, "start_date")
    end_date = model_field(PlanVersion, "end_date")
    # The plan version the form was opened on, 0 when the case had none: a version saved by
    # someone else meanwhile is a conflict, not silently superseded (SPEC §7).
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=MAX_VERSION, initial=0
    )

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}
