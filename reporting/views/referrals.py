"""Who the preparation group admits and who it does not (issue 15 point 2): the decisions of a
period by target group, priority group, sex and reason, for one area or all the reader's areas,
suppressed for readers without case access like every aggregate (reporting.suppression)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.models import Area
from accounts.scoping import aggregate_area_ids
from audit.models import AccessLog
from audit.services import access_log_record
from cases.models import TargetGroup
from preparation.models import Decision, Reason
from samverkan.dates import add_months
from samverkan.forms import BaseForm

from ..metrics.base import UNKNOWN
from ..metrics.labels import LEVELS
from ..metrics.referrals import CATEGORIES, referral_decisions
from ..suppression import SMALL_CELL, hides_small_cells, shown
from ..suppression.marks import SMALL
from .dashboard_tables import hidden_count, mark_of

COLUMNS = {
    Decision.ADMITTED: gettext_lazy("Antagna"),
    Decision.NOT_ADMITTED: gettext_lazy("Inte antagna"),
    Decision.POSTPONED: gettext_lazy("Bordlagda"),
}
DIMENSIONS = [
    ("target_group", gettext_lazy("Målgrupp")),
    ("priority_group", gettext_lazy("Prioriterad grupp")),
    ("sex", gettext_lazy("Kön")),
    ("reason", gettext_lazy("Skäl")),
]
PRIORITY = {
    "young": gettext_lazy("Ung"),
    "benefit_ends": gettext_lazy("Förmånstiden slutar"),
    "both": gettext_lazy("Båda"),
    "none": gettext_lazy("Ingen prioriterad grupp"),
}


class PeriodForm(BaseForm):
    area = forms.ModelChoiceField(
        label=gettext_lazy("Område"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=gettext_lazy("Alla mina områden"),
    )
    start = forms.DateField(
        label=gettext_lazy("Från månad"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    end = forms.DateField(
        label=gettext_lazy("Till månad"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["area"].empty_label = _("Alla mina områden")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("Till-månaden kan inte ligga före från-månaden."))
        elif start and end and add_months(start, 36) <= end:
            self.add_error("end", _("Välj högst 36 månader."))
        return data


def _label(dimension: str, level: str) -> str:
    if level == UNKNOWN:
        return str(_("Okänt"))
    if dimension == "target_group":
        return str(dict(TargetGroup.choices).get(level, level))
    if dimension == "priority_group":
        return str(PRIORITY[level])
    if dimension == "reason":
        return str(dict(Reason.choices).get(level, level))
    return str(LEVELS.get(dimension, {}).get(level, level))


def _hidden(row: dict, field: str) -> str:
    """A hidden count as the marks say, in the dashboard's words ("<5" or "dolt")."""
    return hidden_count(mark_of(row, field)).text


def _cell(row: dict, decision: str) -> str:
    count, share = row["counts"][decision], row["shares"][decision]
    if count is None:
        return _hidden(row, decision)
    return f"{count} ({share:.0f} %)".replace(".", ",") if share is not None else str(count)


def _shown_rows(dimension: str, levels: dict) -> list[tuple[str, dict]]:
    return [
        (
            _label(dimension, level),
            {
                "total": row["total"],
                "total_hidden": _hidden(row, "total"),
                "cells": [_cell(row, str(d)) for d in CATEGORIES],
            },
        )
        for level, row in levels.items()
    ]


@require_http_methods(["GET"])
def referral_report(request):
    area_ids = aggregate_area_ids(request.user)
    if area_ids is not None and not area_ids:
        raise PermissionDenied
    areas = Area.objects.filter(is_active=True).order_by("name")
    if area_ids is not None:
        areas = areas.filter(pk__in=area_ids)
    today = timezone.localdate().replace(day=1)
    defaults = {"start": f"{add_months(today, -11):%Y-%m}", "end": f"{today:%Y-%m}"}
    form = PeriodForm(request.GET or defaults, areas=areas)
    context = {
        "form": form,
        "columns": [(str(d), COLUMNS[d]) for d in CATEGORIES],
        "small_cell": SMALL_CELL,
        "hide_small_cells": hides_small_cells(request.user),
    }
    if form.is_valid():
        data = form.cleaned_data
        chosen = [data["area"].pk] if data["area"] else area_ids
        months = []
        month = data["start"].replace(day=1)
        while month <= data["end"]:
            months.append(month)
            month = add_months(month, 1)
        figures = shown(
            "referrals",
            referral_decisions(area_ids=chosen, months=months),
            hide=hides_small_cells(request.user),
        )
        rows = figures["rows"]
        context["total"] = rows["total"]["total"]["total"]
        context["total_small"] = mark_of(rows["total"]["total"], "total") == SMALL
        context["sections"] = [
            (title, sorted(_shown_rows(dimension, rows.get(dimension, {})), key=lambda r: r[0]))
            for dimension, title in DIMENSIONS
        ]
        context["area"] = data["area"]
        context["period"] = f"{months[0]:%Y-%m} – {months[-1]:%Y-%m}"
    access_log_record(
        action=AccessLog.Action.VIEW,
        request=request,
        object_type="report",
        purpose="beredningsgruppens beslut",
    )
    return render(request, "reporting/referral_report.html", context)
