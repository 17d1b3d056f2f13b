"""The forecast's backtest (docs/FORECAST.md): for each start cohort, the forecast made on the day
its last participant reached a given day (reporting.metrics.forecast, with nothing dated after
that day read), beside the outcome that followed."""

from __future__ import annotations

import datetime as dt

from samverkan.dates import add_months

from .base import OUTCOME_DAY, last_day
from .forecast import GROUPS, forecast


def backtest(
    *, area_ids: list[int] | None, cohorts: list[dt.date], at_day: int = 180
) -> list[dict]:
    """For each start cohort (a month's first day): the forecast made on the day its last
    participant reached day `at_day` (the month's last day + at_day) for its report month,
    beside the outcome that followed (the forecast of the day its last participant passed day
    365, when everything is known). Per cohort and group: forecast share, interval, outcome."""
    points = []
    for cohort in cohorts:
        report_month = add_months(cohort, 12)
        made_on = last_day([cohort]) + dt.timedelta(days=at_day)
        known_on = last_day([cohort]) + dt.timedelta(days=OUTCOME_DAY)
        made = _month_of(forecast(as_of=made_on, area_ids=area_ids), report_month)
        outcome = _month_of(forecast(as_of=known_on, area_ids=area_ids), report_month)
        for group in GROUPS:
            points.append(
                {
                    "cohort": f"{cohort:%Y-%m}",
                    "group": group,
                    "measured": outcome[group]["measured"],
                    "forecast": made[group]["share"],
                    "low": made[group]["low"],
                    "high": made[group]["high"],
                    "outcome": outcome[group]["share"],
                }
            )
    return points


def _month_of(result: dict, month: dt.date) -> dict:
    label = f"{month:%Y-%m}"
    return next(row for row in result["months"] if row["month"] == label)


def backtest_summary(points: list[dict]) -> dict[str, dict]:
    """Per group: how many cohorts had a forecast, the mean absolute difference between the
    forecast share and the outcome (percentage points, one decimal), the largest, and in how
    many the outcome lay within the interval."""
    summary = {}
    for group in GROUPS:
        made = [
            p
            for p in points
            if p["group"] == group and p["forecast"] is not None and p["outcome"] is not None
        ]
        errors = [abs(p["forecast"] - p["outcome"]) for p in made]
        summary[group] = {
            "cohorts": len(made),
            "mean_error": round(sum(errors) / len(errors), 1) if errors else None,
            "largest_error": round(max(errors), 1) if errors else None,
            "within": sum(1 for p in made if p["low"] <= p["outcome"] <= p["high"]),
        }
    return summary
