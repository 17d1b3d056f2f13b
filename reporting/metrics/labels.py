"""Swedish labels of the codes the metrics store (SPEC §5). The figures hold codes only, so a
snapshot's digest never depends on the language; pages, CSV and the API label them from here."""

from django.utils.translation import gettext_lazy as _

from cases.models import Benefit, EducationLevel, OutcomeCategory, TargetGroup
from mapping.models import AgencyCode, SickLeaveBand

from .base import UNKNOWN, WORK_OR_EDUCATION_KEY

DIMENSIONS = {
    "total": _("Totalt"),
    "sex": _("Kön"),
    "age_band": _("Ålder"),
    "born_abroad": _("Födelseland"),
    "disability": _("Funktionsnedsättning"),
    "education_level": _("Utbildningsnivå"),
    "target_group": _("Målgrupp"),
    "sick_leave_band": _("Tid i sjukfall"),
    "benefit": _("Ersättning"),
    "initiated_by": _("Initierad av"),
}

LEVELS = {
    "total": {"total": _("Totalt")},
    "sex": {"K": _("Kvinnor"), "M": _("Män")},
    "age_band": {
        "under_18": _("Under 18 år"),
        "18_24": _("18–24 år"),
        "25_34": _("25–34 år"),
        "35_44": _("35–44 år"),
        "45_54": _("45–54 år"),
        "55_64": _("55–64 år"),
        "65_plus": _("65 år och äldre"),
    },
    "born_abroad": {"sweden": _("Inrikes födda"), "abroad": _("Utrikes födda")},
    "disability": {"yes": _("Ja"), "no": _("Nej")},
    "education_level": dict(EducationLevel.choices),
    "target_group": dict(TargetGroup.choices),
    "sick_leave_band": dict(SickLeaveBand.choices),
    "benefit": dict(Benefit.choices),
    "initiated_by": dict(AgencyCode.choices),
}

CATEGORIES = {
    **dict(OutcomeCategory.choices),
    WORK_OR_EDUCATION_KEY: _("Till arbete och utbildning"),
}

STATES = {
    "in_mapping": _("I gemensam kartläggning"),
    "waiting_for_mapping": _("Väntar på kartläggningsmöte"),
    "active": _("I aktiva insatser"),
    "waiting_for_intervention": _("Väntar på planerad insats"),
    "waiting": _("Väntar"),
    "ended": _("Avslutade"),
}


def level_label(dimension: str, level: str):
    """The label of a level of a dimension; unknown levels read "Okänt"."""
    if level == UNKNOWN:
        return _("Okänt")
    return LEVELS.get(dimension, {}).get(level, level)


# The timeliness measures (reporting.metrics.timeliness): what is kept, in a table's words.
TIMELINESS_MEASURES = {
    "start": _("Behovsanalys startad i tid"),
    "follow_up": _("Uppföljning i tid"),
    "closing_doc": _("Slutdokumentation i tid"),
    "plan": _("Plan före introduktion"),
    "active_days": _("Dagar med pågående insats"),
}
