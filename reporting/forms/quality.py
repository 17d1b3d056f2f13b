"""Forms for the quality review pages (kvalitetsgranskning, SPEC §5). They only read and check
input; reporting.quality checks again (who may draw, which quarter, how many) and writes, and
the views put its errors next to the field they name."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Area
from samverkan.display import user_label
from samverkan.forms import BaseForm, model_field

from ..models import QualityReviewItem
from ..quality import (
    ANSWERS,
    CHECKLIST,
    DEFAULT_SIZE,
    MAX_SIZE,
    quarter_start,
    reviewer_candidates,
)

QUARTERS_OFFERED = 8


def quarter_label(quarter: dt.date) -> str:
    """ "2026 kvartal 2": how the pages name a quarter."""
    return gettext("%(year)d kvartal %(number)d") % {
        "year": quarter.year,
        "number": (quarter.month - 1) // 3 + 1,
    }


def recent_quarters(today: dt.date, count: int = QUARTERS_OFFERED) -> list[dt.date]:
    """The quarter `today` is in and the ones before it, newest first: only quarters that have
    begun can be drawn (reporting.quality refuses a future quarter)."""
    quarters = [quarter_start(today)]
    while len(quarters) < count:
        quarters.append(quarter_start(quarters[-1] - dt.timedelta(days=1)))
    return quarters


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return user_label(obj)


class QualityReviewDrawForm(BaseForm):
    area = AreaChoiceField(label=_("Samverkansområde"), queryset=Area.objects.none())
    quarter = forms.TypedChoiceField(label=_("Kvartal"), coerce=dt.date.fromisoformat, choices=())
    # The limits are reporting.quality's rule; its error is shown next to this field. The
    # attributes only let the browser help.
    size = forms.IntegerField(
        label=_("Antal ärenden"),
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_SIZE}),
        help_text=_("Mellan 1 och %(max)d aktiva ärenden under kvartalet.") % {"max": MAX_SIZE},
    )
    reviewer = ReviewerChoiceField(
        label=_("Granskare"),
        queryset=None,
        required=False,
        help_text=_(
            "Samordnaren eller en namngiven expert i området. Lämnar du fältet tomt granskar du "
            "själv. Ett ärende som granskaren själv handlägger granskas av dig; granskaren kan "
            "också bytas för varje ärende."
        ),
    )
    seed = forms.CharField(
        label=_("Slumpfrö"),
        required=False,
        max_length=64,
        help_text=_(
            "Frivilligt. Samma slumpfrö drar samma ärenden; lämna tomt för att dra ett nytt."
        ),
    )

    def __init__(self, *args, area_ids, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        areas = Area.objects.filter(pk__in=area_ids, is_active=True).order_by("name")
        self.fields["area"].queryset = areas
        if len(area_ids) == 1:
            self.fields["area"].initial = next(iter(area_ids))
        quarters = recent_quarters(today or timezone.localdate())
        self.fields["quarter"].choices = [(q.isoformat(), quarter_label(q)) for q in quarters]
        self.fields["quarter"].initial = quarters[0].isoformat()
        self.fields["size"].initial = DEFAULT_SIZE
        # Anyone of the coordinator's areas; reporting.quality checks the area drawn.
        self.fields["reviewer"].queryset = reviewer_candidates(area_ids)

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "area": data["area"],
            "quarter": data["quarter"],
            "size": data["size"],
            "seed": data["seed"] or None,
            "reviewer": data["reviewer"],
        }


class QualityReviewerForm(BaseForm):
    """Another reviewer for one drawn case."""

    reviewer = ReviewerChoiceField(label=_("Granskare"), queryset=None)

    def __init__(self, *args, area_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewer_candidates([area_id])


class QualityReviewRecordForm(BaseForm):
    findings = model_field(
        QualityReviewItem,
        "findings",
        required=True,
        help_text=_("Vad visade granskningen av ärendet?"),
    )
    reviewed_on = model_field(QualityReviewItem, "reviewed_on", required=True)
    feedback = model_field(
        QualityReviewItem,
        "feedback",
        help_text=_(
            "Frivilligt. Handläggaren ser återkopplingen och checklistans svar under Att göra "
            "tills de har markerat den som läst. Iakttagelserna ovan visas inte för dem."
        ),
    )
    feedback_to = forms.TypedMultipleChoiceField(
        label=_("Återkopplingen går till"),
        coerce=int,
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = [
        *(f"check_{question}" for question in CHECKLIST),
        "findings",
        "reviewed_on",
        "feedback",
        "feedback_to",
    ]

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feedback_to"].choices = [(user.pk, user_label(user)) for user in officers]
        if not officers:
            self.fields["feedback_to"].help_text = _("Ärendet har ingen namngiven handläggare.")
        self.fields["reviewed_on"].initial = timezone.localdate
        self.fields["findings"].error_messages["required"] = _("Skriv vad granskningen visade.")
        for question, text in CHECKLIST.items():
            self.fields[f"check_{question}"] = forms.ChoiceField(
                label=text,
                choices=list(ANSWERS.items()),
                widget=forms.RadioSelect(attrs={"class": "choices-inline"}),
                error_messages={"required": _("Välj Ja, Nej eller Ej aktuellt.")},
            )
        self.order_fields(self.field_order)

    def service_data(self) -> dict:
        data = {
            "findings": self.cleaned_data["findings"],
            "reviewed_on": self.cleaned_data["reviewed_on"],
        }
        data["checklist"] = {q: self.cleaned_data[f"check_{q}"] for q in CHECKLIST}
        data["feedback"] = self.cleaned_data["feedback"]
        data["feedback_to"] = self.cleaned_data["feedback_to"]
        return data
