"""A deviation report's months as a reader may see them (SPEC §5 "Deviation report", §7): one
place for the report's page and the API, so neither can show what the other hides.

The months are stored as the detection found them (reporting.deviations: inflow against plan
and tolerance, or the day-365 share against the goal). For a reader who sees suppressed figures
(reporting.suppression.hides_small_cells) the counts are hidden as on the dashboard: a month's
inflow of 1–4 people, and in the day-365 months the counts of those in work, of those measured
and of the others (measured − in work), checked together, with the share computed from them.
The plan, tolerance and goal are not counts of people and are shown as stored."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .metrics.base import half_up_mean
from .metrics.printing import NO_SHARE, printed_share
from .models import DeviationReport
from .suppression import SMALL_CELL, shown_count, shown_share_counts

# One month of the run, as the API answers it: an inflow report fills the first four, a day-365
# report `month` and the last four; the others are None.
MONTH_FIELDS = (
    "month",
    "actual",
    "planned",
    "tolerance_percent",
    "in_work_or_education",
    "measured",
    "share",
    "goal_percent",
    "ended",
    "mean_days",
    "goal_days",
    "af_fte",
    "af_planned_fte",
    "fk_fte",
    "fk_planned_fte",
)


def _count(value):
    """A stored count as a number, or None (hidden, or not a count at all)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _mean_days(days_total, ended):
    """Whole days, halves up, as the published average (reporting.metrics.base)."""
    if _count(days_total) is None or not _count(ended):
        return None
    return half_up_mean(days_total, ended)


def months_shown(report: DeviationReport, *, hide: bool) -> list[dict]:
    """The report's months with every count hidden for the reader set to None; `share` is the
    printed share ("–" when the stored counts make none), None when hidden. The average days of
    a month whose number of ended cases is hidden is hidden with it."""
    inflow = report.kind == DeviationReport.Kind.INFLOW_BELOW_PLAN
    months = []
    for stored in report.figures.get("months", []):
        month = dict.fromkeys(MONTH_FIELDS)
        month["month"] = stored.get("month")
        if report.kind == DeviationReport.Kind.AVERAGE_DAYS_ABOVE_GOAL:
            ended = shown_count(stored.get("ended"), hide=hide)
            month["ended"] = ended
            month["mean_days"] = (
                None if ended is None else _mean_days(stored.get("days_total"), stored.get("ended"))
            )
            month["goal_days"] = stored.get("goal_days")
        elif report.kind == DeviationReport.Kind.STAFFING_BELOW_PLAN:
            for name in ("af_fte", "af_planned_fte", "fk_fte", "fk_planned_fte"):
                month[name] = stored.get(name)
            month["tolerance_percent"] = stored.get("tolerance_percent")
        elif inflow:
            month["actual"] = shown_count(stored.get("actual"), hide=hide)
            month["planned"] = stored.get("planned")
            month["tolerance_percent"] = stored.get("tolerance_percent")
        else:
            in_work, measured = stored.get("in_work_or_education"), stored.get("measured")
            valid = _count(in_work) is not None and _count(measured) is not None
            valid = valid and 0 <= in_work <= measured
            share = printed_share(in_work, measured) if valid else NO_SHARE
            if valid:
                in_work, measured = shown_share_counts(in_work, measured, hide=hide)
                if in_work is None or measured is None:
                    share = None
            month["in_work_or_education"] = in_work
            month["measured"] = measured
            month["share"] = share
            month["goal_percent"] = stored.get("goal_percent")
        months.append(month)
    return months


def api_months(report: DeviationReport, *, hide: bool) -> list[dict]:
    """The months as the API answers them: a count the page does not print as a number is
    null, and so is the share unless both its counts are shown."""
    answered = []
    for month in months_shown(report, hide=hide):
        month = dict(month)
        for name in ("actual", "in_work_or_education", "measured", "ended"):
            month[name] = _count(month[name])
        if report.kind == DeviationReport.Kind.SHARE_BELOW_GOAL:
            both = month["in_work_or_education"] is not None and month["measured"] is not None
            month["share"] = month["share"] if both else None
        answered.append(month)
    return answered


def _small(value):
    """A count hidden for the reader, as the dashboard shows it."""
    return _("<%(n)s (dolt)") % {"n": SMALL_CELL} if value is None else value


def _decimal(value) -> str:
    return "–" if value is None else str(value).replace(".", ",")


def figure_table(report: DeviationReport, *, hide_small: bool) -> dict:
    """The months as the report's page shows them: caption, headers and rows."""
    months = months_shown(report, hide=hide_small)
    if report.kind == DeviationReport.Kind.AVERAGE_DAYS_ABOVE_GOAL:
        return {
            "caption": _("Genomsnittlig tid i samverkan för dem som avslutades, mot målet"),
            "headers": [_("Månad"), _("Avslutade"), _("Genomsnitt (dagar)"), _("Mål (dagar)")],
            "rows": [
                [
                    m["month"],
                    _small(m["ended"]),
                    _("dolt") if m["mean_days"] is None else m["mean_days"],
                    m["goal_days"],
                ]
                for m in months
            ],
        }
    if report.kind == DeviationReport.Kind.STAFFING_BELOW_PLAN:
        return {
            "caption": _("Bemanning i årsarbetskrafter mot arbetsplanen"),
            "headers": [
                _("Månad"),
                _("AF"),
                _("AF enligt plan"),
                _("FK"),
                _("FK enligt plan"),
                _("Tolerans"),
            ],
            "rows": [
                [
                    m["month"],
                    _decimal(m["af_fte"]),
                    _decimal(m["af_planned_fte"]),
                    _decimal(m["fk_fte"]),
                    _decimal(m["fk_planned_fte"]),
                    f"{m['tolerance_percent']} %",
                ]
                for m in months
            ],
        }
    if report.kind == DeviationReport.Kind.INFLOW_BELOW_PLAN:
        return {
            "caption": _("Inflöde av nya deltagare mot arbetsplanen"),
            "headers": [_("Månad"), _("Utfall"), _("Planerat"), _("Tolerans")],
            "rows": [
                [m["month"], _small(m["actual"]), m["planned"], f"{m['tolerance_percent']} %"]
                for m in months
            ],
        }
    return {
        "caption": _("Andel i arbete eller utbildning dag 365 mot målet"),
        "headers": [
            _("Månad"),
            _("I arbete eller utbildning"),
            _("Antal mätta"),
            _("Andel"),
            _("Mål (startårets)"),
        ],
        "rows": [
            [
                m["month"],
                _small(m["in_work_or_education"]),
                _small(m["measured"]),
                _("dolt") if m["share"] is None else m["share"],
                f"{m['goal_percent']} %",
            ]
            for m in months
        ],
    }
