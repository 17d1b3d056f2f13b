"""A deviation report's months as a reader may see them (SPEC §5 "Deviation report", §7): one
place for the report's page and the API, so neither can show what the other hides.

The months are stored as the detection found them (reporting.deviations: inflow against plan
and tolerance, staffing against plan, the day-365 share or the average days against the goal).
The share and average-days goals hold for women and men each: a month stored since the
detection tests each sex keeps the women's and men's counts (`sexes`), which of them were off
(`off`) and the snapshot version it was read from, besides the total; a month stored before
keeps the total only and is shown as before (both shapes are read, no data migration: the old
reports are the record of what was detected then, and their months hold no counts by sex to
migrate to).

For a reader who sees suppressed figures (reporting.suppression.hides_small_cells) the counts
are hidden as on the dashboard: a month's inflow of 1–4 people; in a day-365 month stored before
the goal was tested per sex the counts in work and measured and the others (measured − in work),
checked together, with the share computed from them; the figures by sex as
reporting.deviation_sexes says (with what the dashboard hides of the same snapshot). The plan,
tolerance and goal are not counts of people and are shown as stored."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .deviation_sexes import (
    SEX_PREFIX,
    SnapshotParts,
    by_sex,
    count_or_none,
    dashboard_hidden,
    days_table,
    fill_days_month,
    fill_share_month,
    mean_days,
    share_table,
    snapshot_keys,
    snapshot_parts,
)
from .metrics.printing import NO_SHARE, printed_share
from .models import DeviationReport
from .suppression import SMALL_CELL, shown_count, shown_share_counts
from .targets import SEXES

# One month of the run, as the API answers it: an inflow report fills `month`, `actual`,
# `planned` and `tolerance_percent`; a day-365 report `month`, the total's counts and share,
# `goal_percent` and the women's and men's; an average-days report `ended`, `mean_days`,
# `goal_days` and the women's and men's; a staffing report the FTEs. The others are None.
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
    *(
        f"{prefix}_{name}"
        for prefix in SEX_PREFIX.values()
        for name in ("in_work_or_education", "measured", "share", "ended", "mean_days", "off")
    ),
)


def months_shown(
    report: DeviationReport, *, hide: bool, parts: SnapshotParts | None = None
) -> list[dict]:
    """The report's months with every count hidden for the reader set to None; `share` is the
    printed share ("–" when the stored counts make none), None when hidden. The average days of
    a month whose number of ended cases is hidden is hidden with it. `parts`: the snapshot
    parts of many reports read at once (snapshot_parts); without, this report's are read."""
    inflow = report.kind == DeviationReport.Kind.INFLOW_BELOW_PLAN
    stored_months = report.figures.get("months", [])
    hidden_there = {}
    if hide and snapshot_keys(report):
        parts = snapshot_parts([report]) if parts is None else parts
        hidden_there = dashboard_hidden(report, parts)
    months = []
    for stored in stored_months:
        month = dict.fromkeys(MONTH_FIELDS)
        month["month"] = stored.get("month")
        also = hidden_there.get(stored.get("month"), set())
        if report.kind == DeviationReport.Kind.AVERAGE_DAYS_ABOVE_GOAL and by_sex(stored):
            fill_days_month(month, stored, hide, also)
        elif report.kind == DeviationReport.Kind.SHARE_BELOW_GOAL and by_sex(stored):
            fill_share_month(month, stored, hide, also)
        elif report.kind == DeviationReport.Kind.AVERAGE_DAYS_ABOVE_GOAL:
            ended = shown_count(stored.get("ended"), hide=hide)
            month["ended"] = ended
            month["mean_days"] = (
                None if ended is None else mean_days(stored.get("days_total"), stored.get("ended"))
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
            valid = count_or_none(in_work) is not None and count_or_none(measured) is not None
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


def api_months(
    report: DeviationReport, *, hide: bool, parts: SnapshotParts | None = None
) -> list[dict]:
    """The months as the API answers them: a count the page does not print as a number is
    null, and so is a share unless both its counts are shown."""
    answered = []
    for month in months_shown(report, hide=hide, parts=parts):
        month = dict(month)
        for prefix in ("", *(f"{p}_" for p in SEX_PREFIX.values())):
            for name in ("in_work_or_education", "measured", "ended"):
                month[f"{prefix}{name}"] = count_or_none(month[f"{prefix}{name}"])
            if report.kind == DeviationReport.Kind.SHARE_BELOW_GOAL:
                both = (
                    month[f"{prefix}in_work_or_education"] is not None
                    and month[f"{prefix}measured"] is not None
                )
                month[f"{prefix}share"] = month[f"{prefix}share"] if both else None
        month["actual"] = count_or_none(month["actual"])
        answered.append(month)
    return answered


def _small(value):
    """A count hidden for the reader, as the dashboard shows it."""
    return _("<%(n)s (dolt)") % {"n": SMALL_CELL} if value is None else value


def _decimal(value) -> str:
    return "–" if value is None else str(value).replace(".", ",")


def figure_table(report: DeviationReport, *, hide_small: bool) -> dict:
    """The months as the report's page shows them: caption, headers and rows (a cell of a sex
    off the goal is `Flagged`)."""
    months = months_shown(report, hide=hide_small)
    if any(by_sex(m) for m in report.figures.get("months", [])):
        if report.kind == DeviationReport.Kind.SHARE_BELOW_GOAL:
            return share_table(months)
        if report.kind == DeviationReport.Kind.AVERAGE_DAYS_ABOVE_GOAL:
            return days_table(months)
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


def off_summary(report: DeviationReport, *, hide: bool, parts: SnapshotParts | None = None) -> str:
    """Who was off the goal in the report's months, for the list of reports: "kvinnor",
    "män" or both, by the figures the reader sees (a sex whose counts are hidden is not
    named: "dolt" when nobody shown is); "–" for a report without figures by sex."""
    if not any(by_sex(m) for m in report.figures.get("months", [])):
        return "–"
    months = months_shown(report, hide=hide, parts=parts)
    words = {"K": _("kvinnor"), "M": _("män")}
    off = [words[sex] for sex in SEXES if any(m[f"{SEX_PREFIX[sex]}_off"] for m in months)]
    return ", ".join(off) if off else _("dolt")
