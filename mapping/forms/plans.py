"""The form of the individual plan (SPEC §4): each save is a new version of the case's plan,
written by mapping.services.plan_save."""

from __future__ import annotations

from samverkan.forms import BaseForm, model_field

from ..models import PlanVersion


class PlanForm(BaseForm):
    goal = model_field(PlanVersion, "goal")
    activities = model_field(PlanVersion, "activities")
    start_date = model_field(PlanVersion, "start_date")
    end_date = model_field(PlanVersion, "end_date")
