"""The women's and men's figures of a deviation report's months (the share and average-days
goals hold for each sex: reporting.deviations), as a reader may see them;
reporting.deviation_figures puts them beside the other kinds' months.

Suppression (reporting.suppression.hides_small_cells): the counts in work and measured (or
ended) of women, men and all are one table (all = women + men; for the share each group's others,
measured − in work, which anybody can subtract), with every count the dashboard hides of the
same snapshot version (the one the month was read from) unknown from the start and protected
whatever its size: a reader who has the dashboard too learns nothing from the report. A share or
a mean is shown only beside its counts, and whether a sex is off the goal only from figures the
reader sees, by the dashboard's rule (reporting.targets.sexes_below_share_goal /
sexes_above_days_goal)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from .metrics.base import half_up_mean
from .metrics.printing import NO_SHARE, printed_share
from .models import DeviationReport, MonthlySnapshot
from .suppression import Table, hidden_counts, shown
from .targets import SEXES, sexes_above_days_goal, sexes_below_share_goal

# The two sexes as the API's field names say them.
SEX_PREFIX = {"K": "women", "M": "men"}


def count_or_none(value):
    """A stored count as a number, or None (hidden, or not a count at all)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def mean_days(days_total, ended):
    """Whole days, halves up, as the published average (reporting.metrics.base)."""
    if count_or_none(days_total) is None or not count_or_none(ended):
        return None
    return half_up_mean(days_total, ended)


GROUPS = (*SEXES, "all")  # the women's, the men's and the total's figures of a month


def by_sex(stored: dict) -> bool:
    """Whether a stored month keeps the women's and men's figures (detected per sex)."""
    return isinstance(stored.get("sexes"), dict)


def _group(stored: dict, group: str) -> dict:
    if group == "all":
        return stored
    return stored["sexes"].get(group) or {}


BY_SEX_KINDS = {
    DeviationReport.Kind.SHARE_BELOW_GOAL: "outcomes",
    DeviationReport.Kind.AVERAGE_DAYS_ABOVE_GOAL: "average_days",
}

# The snapshot parts the per-sex months were read from: (part, area id, "YYYY-MM", version) ->
# the part (outcomes or average_days) as stored.
SnapshotParts = dict[tuple[str, int, str, int], dict | None]


def snapshot_keys(report: DeviationReport) -> set[tuple[int, str, int]]:
    if report.kind not in BY_SEX_KINDS:
        return set()
    return {
        (report.area_id, m["month"], m["snapshot_version"])
        for m in report.figures.get("months", [])
        if by_sex(m) and isinstance(m.get("snapshot_version"), int)
    }


def snapshot_parts(reports) -> SnapshotParts:
    """The snapshot parts every per-sex month of `reports` was read from, in one query (the
    JSON part only, not the whole snapshot)."""
    keys = set().union(*(snapshot_keys(report) for report in reports))
    if not keys:
        return {}
    parts = {}
    for part in set(BY_SEX_KINDS.values()):
        wanted = {r.area_id for r in reports if BY_SEX_KINDS.get(r.kind) == part}
        if not wanted:
            continue
        rows = MonthlySnapshot.objects.filter(
            area_id__in=wanted,
            month__in={dt.date.fromisoformat(f"{month}-01") for _a, month, _v in keys},
            version__in={version for _a, _m, version in keys},
        ).values_list("area_id", "month", "version", f"figures__{part}")
        for area_id, month, version, data in rows:
            key = (area_id, f"{month:%Y-%m}", version)
            if key in keys:
                parts[(part, *key)] = data
    return parts


def dashboard_hidden(report: DeviationReport, parts: SnapshotParts) -> dict[str, set]:
    """{month: {(group, count)}}: the counts the dashboard hides from a suppressed reader in
    the snapshot version each month was read from. A month whose snapshot is not found has
    none: the month's own equations still protect its counts."""
    part = BY_SEX_KINDS.get(report.kind)
    days_kind = part == "average_days"
    found = {}
    for _area, label, version in snapshot_keys(report):
        key = (part, report.area_id, label, version)
        if key not in parts:
            continue
        rows = (shown(part, parts[key], hide=True) or {}).get("rows", {})
        hidden = set()
        for group in GROUPS:
            if group == "all":
                row = rows.get("total", {}).get("total")
            else:
                row = rows.get("sex", {}).get(group)
            if not isinstance(row, dict):
                continue
            if days_kind:
                if (row.get("all") or {}).get("count", 0) is None:
                    hidden.add((group, "ended"))
                continue
            if (row.get("counts") or {}).get("work_or_education", 0) is None:
                hidden.add((group, "in_work_or_education"))
            if row.get("total", 0) is None:
                hidden.add((group, "measured"))
        found[label] = hidden
    return found


def _table_hidden(stored: dict, names: tuple[str, ...], also: set) -> set:
    """The (group, count) of a per-sex month to hide: the month's counts of women, men and
    all as one table (all = women + men; for the share each group's others, measured − in
    work, which anybody can subtract), `also` (what the dashboard hides) unknown from the
    start and protected, whatever its size."""
    table = Table()
    for group in GROUPS:
        for name in names:
            table.count((group, name), count_or_none(_group(stored, group).get(name)))
        if len(names) == 2:
            table.derive((group, "others"), (group, names[1]), (group, names[0]))
    for name in names:
        table.add_sum(("all", name), [(sex, name) for sex in SEXES])
    known = {key for key in also if key in table.values}
    table.hidden_elsewhere |= known
    table.protected_elsewhere |= known
    return hidden_counts(table) | known


def fill_share_month(month: dict, stored: dict, hide: bool, also: set) -> None:
    names = ("in_work_or_education", "measured")
    hidden = _table_hidden(stored, names, also) if hide else set()
    goal = stored.get("goal_percent")
    seen = {}
    for group in GROUPS:
        row = _group(stored, group)
        in_work, measured = count_or_none(row.get(names[0])), count_or_none(row.get(names[1]))
        valid = in_work is not None and measured is not None and 0 <= in_work <= measured
        share = printed_share(in_work, measured) if valid else NO_SHARE
        if (group, names[0]) in hidden:
            in_work = None
        if (group, names[1]) in hidden:
            measured = None
        if valid and (in_work is None or measured is None):
            share = None  # a share beside a hidden count gives it away
        prefix = "" if group == "all" else f"{SEX_PREFIX[group]}_"
        month[f"{prefix}in_work_or_education"] = in_work
        month[f"{prefix}measured"] = measured
        month[f"{prefix}share"] = share
        seen[group] = (in_work, measured) if valid else None
    month["goal_percent"] = goal
    _mark_off(month, seen, lambda figures: sexes_below_share_goal(figures, goal) if goal else None)


def fill_days_month(month: dict, stored: dict, hide: bool, also: set) -> None:
    hidden = _table_hidden(stored, ("ended",), also) if hide else set()
    goal = stored.get("goal_days")
    seen = {}
    for group in GROUPS:
        row = _group(stored, group)
        ended, days_total = count_or_none(row.get("ended")), count_or_none(row.get("days_total"))
        if (group, "ended") in hidden:
            ended = None
        prefix = "" if group == "all" else f"{SEX_PREFIX[group]}_"
        month[f"{prefix}ended"] = ended
        month[f"{prefix}mean_days"] = None if ended is None else mean_days(days_total, ended)
        seen[group] = (None, None) if ended is None else (days_total, ended)
    month["goal_days"] = goal
    _mark_off(month, seen, lambda figures: sexes_above_days_goal(figures, goal) if goal else None)


def _mark_off(month: dict, seen: dict, verdict_of) -> None:
    """`women_off` / `men_off`: whether the sex is off the goal by the figures the reader sees
    (the dashboard's rule); None when its figures are hidden or nobody was measured."""
    verdict = verdict_of({sex: seen[sex] for sex in SEXES})
    for sex in SEXES:
        pair = seen[sex]
        judged = verdict is not None and sex in verdict.judged
        hidden = pair is not None and None in pair
        month[f"{SEX_PREFIX[sex]}_off"] = None if hidden or not judged else sex in verdict.off


class Flagged(str):
    """A cell of a sex off the goal: the page marks it (a plain string to every other reader
    of the table, the printed monthly report's too)."""

    flag = True


def _hidden(value):
    """A count or a figure from counts hidden for the reader, as the dashboard says it."""
    return _("dolt") if value is None else value


def _off_text(month: dict, counts: tuple[str, ...], off_text: str, on_text: str) -> str:
    """ "Under målet: kvinnor" (flagged) by the figures the reader sees, "dolt" when a sex's
    `counts` are hidden and no sex shown is off, as the dashboard's verdict."""
    words = {"K": _("kvinnor"), "M": _("män")}
    off = [words[sex] for sex in SEXES if month[f"{SEX_PREFIX[sex]}_off"]]
    if off:
        return Flagged(off_text % {"groups": ", ".join(off)})
    hidden = any(month[f"{SEX_PREFIX[sex]}_{name}"] is None for sex in SEXES for name in counts)
    return _("dolt") if hidden else on_text


def _flagged(value, off) -> str:
    shown = _hidden(value)
    return Flagged(shown) if off else shown


def _by_sex_headers(columns: list[tuple[str, str]], tail: list[str]) -> dict:
    """The headers of a table by sex: `headers` one row, each naming its group ("Kvinnor
    mätta", for the printed monthly report), and for the page `groups` (Kvinnor, Män, Alla,
    each over its `columns`' short names) between the month and the `tail`."""
    labels = (_("Kvinnor"), _("Män"), _("Alla"))
    headers = [_("Månad")]
    for label in labels:
        headers += [full % {"group": label} for full, _short in columns]
    return {
        "headers": [*headers, *tail],
        "groups": [
            {"label": label, "headers": [short for _full, short in columns]} for label in labels
        ],
        "tail": tail,
    }


def share_table(months: list[dict]) -> dict:
    headers = _by_sex_headers(
        [
            (_("%(group)s i arbete/utb."), _("I arbete/utb.")),
            (_("%(group)s mätta"), _("Mätta")),
            (_("%(group)s andel"), _("Andel")),
        ],
        [_("Mål (startårets)"), _("Jämfört med målet")],
    )
    rows = []
    for m in months:
        row = [m["month"]]
        for prefix in ("women_", "men_", ""):
            off = m.get(f"{prefix}off") if prefix else False
            row += [
                _hidden(m[f"{prefix}in_work_or_education"]),
                _hidden(m[f"{prefix}measured"]),
                _flagged(m[f"{prefix}share"], off),
            ]
        row += [
            f"{m['goal_percent']} %",
            _off_text(
                m,
                ("in_work_or_education", "measured"),
                _("Under målet: %(groups)s"),
                _("Når målet"),
            ),
        ]
        rows.append(row)
    return {
        "caption": _(
            "Andel i arbete eller utbildning dag 365, kvinnor och män, mot målet som gäller "
            "var och en av dem"
        ),
        **headers,
        "rows": rows,
        "verdict": True,  # the last column says which sex is off the goal, in words
    }


def days_table(months: list[dict]) -> dict:
    headers = _by_sex_headers(
        [
            (_("%(group)s avslutade"), _("Avslutade")),
            (_("%(group)s genomsnitt (dagar)"), _("Genomsnitt (dagar)")),
        ],
        [_("Mål, högst (dagar)"), _("Jämfört med målet")],
    )
    rows = []
    for m in months:
        row = [m["month"]]
        for prefix in ("women_", "men_", ""):
            off = m.get(f"{prefix}off") if prefix else False
            ended, mean = m[f"{prefix}ended"], m[f"{prefix}mean_days"]
            row += [
                _hidden(ended),
                _flagged("–" if ended == 0 else mean, off),
            ]
        row += [
            m["goal_days"],
            _off_text(m, ("ended",), _("Över målet: %(groups)s"), _("Inom målet")),
        ]
        rows.append(row)
    return {
        "caption": _(
            "Genomsnittlig tid i samverkan för dem som avslutades, kvinnor och män, mot målet "
            "som gäller var och en av dem"
        ),
        **headers,
        "rows": rows,
        "verdict": True,  # the last column says which sex is off the goal, in words
    }
