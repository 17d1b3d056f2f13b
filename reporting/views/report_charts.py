"""The pictures of the report pages (reporting.views.reports): one chart per report, showing what
a management group would rather look at than read, drawn from the same figures as the tables
under it (reporting.charts: hidden values are gaps, every chart has its alt text)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .. import charts
from ..charts import Series
from ..metrics.base import COARSE_CATEGORIES
from ..metrics.labels import CATEGORIES, STATES, level_label
from .report_status_tables import STATE_COLUMNS
from .report_tables import OPTIONAL_LEVELS, WORK


def _percent(count, total):
    if isinstance(count, int) and isinstance(total, int) and total:
        return count * 100 / total
    return None


def _rows(data: dict, dimensions) -> list[tuple[str, dict]]:
    """(label, row) of each level of the dimensions with somebody in it (or hidden)."""
    found = []
    for dimension in dimensions:
        rows = data.get("rows", {}).get(dimension, {})
        for level in data.get("levels", {}).get(dimension) or list(rows):
            row = rows.get(level)
            if row is None or (level in OPTIONAL_LEVELS and row.get("total") == 0):
                continue
            found.append((str(level_label(dimension, level)), row))
    return found


def outcome_chart(data: dict) -> charts.Chart | None:
    rows = [
        (label, row)
        for label, row in _rows(data, ("total", "sex", "target_group"))
        if row.get("total")
    ]
    if not rows:
        return None
    series = [
        Series(
            str(CATEGORIES[category]),
            [_percent(row["counts"].get(category), row.get("total")) for _l, row in rows],
            role=f"part_{n}",
        )
        for n, category in enumerate(COARSE_CATEGORIES, start=1)
    ]
    return charts.stacked_share_chart(
        labels=[label for label, _row in rows],
        series=series,
        alt=_(
            "Liggande staplar: status dag 365 i procent för alla, kvinnor, män och varje "
            "målgrupp, uppdelat på till arbete och utbildning, program, öppet arbetslösa och "
            "övriga. Siffrorna står i tabellerna under."
        ),
    )


def average_days_chart(data: dict) -> charts.Chart | None:
    rows = [
        (label, row)
        for label, row in _rows(data, ("total", "sex", "target_group"))
        if row.get("all", {}).get("count")
    ]
    if not rows:
        return None
    return charts.bar_chart(
        labels=[label for label, _row in rows],
        series=[
            Series(_("Alla som avslutades"), [r["all"].get("mean_days") for _l, r in rows], "bar"),
            Series(
                _("Till arbete eller utbildning"),
                [r.get(WORK, {}).get("mean_days") for _l, r in rows],
                "bar_second",
            ),
        ],
        horizontal=True,
        height=charts.bar_height(len(rows)),
        alt=_(
            "Liggande staplar: genomsnittligt antal dagar i samverkan för alla som avslutades "
            "och för dem som gick till arbete eller utbildning, för alla, kvinnor, män och varje "
            "målgrupp. Siffrorna står i tabellen under."
        ),
    )


def mapping_chart(data: dict) -> charts.Chart | None:
    rows = data.get("rows", {}).get("sick_leave_band", {})
    levels = [
        level
        for level in data.get("levels", {}).get("sick_leave_band", [])
        if level in rows and (level not in OPTIONAL_LEVELS or rows[level].get("count") != 0)
    ]
    if not any(rows[level].get("count") for level in levels):
        return None
    return charts.bar_chart(
        labels=[str(level_label("sick_leave_band", level)) for level in levels],
        series=[Series(_("Kartläggningar"), [rows[level].get("count") for level in levels])],
        horizontal=True,
        height=max(220, 120 + 30 * len(levels)),
        alt=_(
            "Liggande staplar: antalet gemensamma kartläggningar efter hur länge sjukfallet hade "
            "pågått. Siffrorna står i tabellen under."
        ),
    )


def inflow_chart(data: dict, *, month_label) -> charts.Chart | None:
    months = sorted(data.get("months", {}))
    if not months:
        return None
    by_month = [data["months"][month] for month in months]

    def values(sex, key="count"):
        return [month.get(sex, {}).get(key) for month in by_month]

    return charts.line_chart(
        labels=[month_label(month) for month in months],
        series=[
            Series(_("Alla"), values("all"), "all"),
            Series(_("Kvinnor"), values("K"), "women"),
            Series(_("Män"), values("M"), "men"),
            Series(_("Unga"), values("all", "young"), "primary"),
        ],
        y_title=_("Nya deltagare"),
        alt=_(
            "Linjediagram: nya deltagare per månad, alla, kvinnor, män och unga. Siffrorna står "
            "i tabellen under."
        ),
    )


def status_chart(data: dict) -> charts.Chart | None:
    total = data.get("total", {})
    if not any(total.get("all", {}).get(state) for state in STATE_COLUMNS):
        return None
    return charts.bar_chart(
        labels=[str(STATES[state]) for state in STATE_COLUMNS],
        series=[
            Series(_("Kvinnor"), [total.get("K", {}).get(s) for s in STATE_COLUMNS], "bar_second"),
            Series(_("Män"), [total.get("M", {}).get(s) for s in STATE_COLUMNS], "bar"),
        ],
        horizontal=True,
        height=charts.bar_height(len(STATE_COLUMNS)),
        alt=_(
            "Liggande staplar: hur många kvinnor och män som är i gemensam kartläggning, väntar "
            "på kartläggningsmöte, är i aktiva insatser och väntar på planerad insats. Siffrorna "
            "står i tabellen under."
        ),
    )
