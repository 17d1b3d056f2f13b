"""Forms for the work plan (SPEC §5). They only read and check input; reporting.services checks
again and writes, and the views put its errors next to the field they name."""

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Area
from cases.models import TargetGroup
from samverkan.forms import MAX_VERSION, BaseForm, version_field

from ..models import WorkPlan
from ..services import (
    FTE_MAX,
    GOAL_AVERAGE_DAYS_RANGE,
    GOAL_SHARE_RANGE,
    MONTHLY_INFLOW_MAX,
    PRIORITISATION_MAX,
    TOLERANCE_RANGE,
    YEAR_RANGE,
)

# With a context: "April", "September" … are also msgids of Django's own catalog, which
# translates them (from English) to lower case.
MONTHS = (
    pgettext_lazy("arbetsplanens månad", "Januari"),
    pgettext_lazy("arbetsplanens månad", "Februari"),
    pgettext_lazy("arbetsplanens månad", "Mars"),
    pgettext_lazy("arbetsplanens månad", "April"),
    pgettext_lazy("arbetsplanens månad", "Maj"),
    pgettext_lazy("arbetsplanens månad", "Juni"),
    pgettext_lazy("arbetsplanens månad", "Juli"),
    pgettext_lazy("arbetsplanens månad", "Augusti"),
    pgettext_lazy("arbetsplanens månad", "September"),
    pgettext_lazy("arbetsplanens månad", "Oktober"),
    pgettext_lazy("arbetsplanens månad", "November"),
    pgettext_lazy("arbetsplanens månad", "December"),
)
MONTH_FIELDS = tuple(f"inflow_{month:02d}" for month in range(1, 13))
GOAL_FIELDS = (
    "goal_share_percent",
    "goal_average_days",
    "planned_af_fte",
    "planned_fk_fte",
    "deviation_tolerance_percent",
)

# The year's planned inflow per target group (issue 20), one field per group.
GROUP_FIELDS = tuple(f"group_{code}" for code in TargetGroup.values)


def _label(name):
    return capfirst(WorkPlan._meta.get_field(name).verbose_name)


def _whole(name, low, high, **kwargs):
    return forms.IntegerField(label=_label(name), min_value=low, max_value=high, **kwargs)


def _fte(name):
    return forms.DecimalField(
        label=_label(name),
        min_value=0,
        max_value=FTE_MAX,
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1"}),
    )


class WorkPlanForm(BaseForm):
    """Twelve monthly figures (January first), the goals, the staffing and the tolerance."""

    goal_share_percent = _whole(
        "goal_share_percent",
        *GOAL_SHARE_RANGE,
        help_text=_("Minst 40 procent enligt den gemensamma målsättningen."),
    )
    goal_average_days = _whole("goal_average_days", *GOAL_AVERAGE_DAYS_RANGE)
    planned_af_fte = _fte("planned_af_fte")
    planned_fk_fte = _fte("planned_fk_fte")
    deviation_tolerance_percent = _whole(
        "deviation_tolerance_percent",
        *TOLERANCE_RANGE,
        help_text=_("Utfallet räknas som en avvikelse när det ligger mer än så under planen."),
    )
    prioritisation_follow_up = forms.CharField(
        label=_label("prioritisation_follow_up"),
        required=False,
        max_length=PRIORITISATION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Arbetsformerna som säkerställer att de prioriterade grupperna får plats och att "
            "resultaten följs upp. Krävs när planen skickas in."
        ),
    )
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        months = {
            name: forms.IntegerField(label=label, min_value=0, max_value=MONTHLY_INFLOW_MAX)
            for name, label in zip(MONTH_FIELDS, MONTHS, strict=True)
        }
        groups = {
            name: forms.IntegerField(
                label=label, min_value=0, max_value=MONTHLY_INFLOW_MAX * 12, required=False
            )
            for name, label in zip(GROUP_FIELDS, TargetGroup.labels, strict=True)
        }
        # The months first, in calendar order, then the goals, then the target groups.
        self.fields = {**months, **self.fields, **groups}

    @staticmethod
    def initial_from(plan: WorkPlan) -> dict:
        return {
            **dict(zip(MONTH_FIELDS, plan.planned_inflow, strict=True)),
            **{name: getattr(plan, name) for name in GOAL_FIELDS},
            **{
                f"group_{code}": plan.planned_inflow_by_group.get(code, 0)
                for code in TargetGroup.values
            },
            "prioritisation_follow_up": plan.prioritisation_follow_up,
            "version": plan.version,
        }

    def month_fields(self):
        return [self[name] for name in MONTH_FIELDS]

    def goal_fields(self):
        return [self[name] for name in GOAL_FIELDS]

    def group_fields(self):
        return [self[name] for name in GROUP_FIELDS]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "planned_inflow": [data[name] for name in MONTH_FIELDS],
            **{name: data[name] for name in GOAL_FIELDS},
            "planned_inflow_by_group": {
                code: data[f"group_{code}"] or 0 for code in TargetGroup.values
            },
            "prioritisation_follow_up": data["prioritisation_follow_up"],
        }


class WorkPlanCreateForm(WorkPlanForm):
    """A new plan: the area and year chosen on the step before travel as hidden fields, and the
    version is 0 ("no plan yet"), so a plan created meanwhile by someone else is a conflict."""

    area = forms.ModelChoiceField(queryset=Area.objects.none(), widget=forms.HiddenInput)
    year = forms.IntegerField(
        min_value=YEAR_RANGE[0], max_value=YEAR_RANGE[1], widget=forms.HiddenInput
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=MAX_VERSION, initial=0
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class WorkPlanChooseForm(BaseForm):
    """The first step of a new plan: which of the coordinator's areas, which year."""

    area = forms.ModelChoiceField(label=_("Samverkansområde"), queryset=Area.objects.none())
    year = forms.IntegerField(label=_("År"), min_value=YEAR_RANGE[0], max_value=YEAR_RANGE[1])

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["year"].initial = timezone.localdate().year
        if len(areas) == 1:
            self.fields["area"].initial = areas[0].pk


class WorkPlanSubmitForm(BaseForm):
    """Send the plan to the national group; only its version travels."""

    version = version_field()


class WorkPlanDecisionForm(BaseForm):
    """The national group's decision on a submitted plan."""

    APPROVE, RETURN = "approve", "return"
    decision = forms.ChoiceField(
        label=_("Beslut"),
        choices=[(APPROVE, _("Godkänn planen")), (RETURN, _("Returnera med kommentarer"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Kommentar till området"),
        required=False,
        max_length=PRIORITISATION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Krävs när planen returneras."),
    )
    version = version_field()


class CompilationForm(BaseForm):
    """The year of the national compilation."""

    ar = forms.IntegerField(label=_("År"), min_value=YEAR_RANGE[0], max_value=YEAR_RANGE[1])
