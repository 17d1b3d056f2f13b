"""The person's time chart (the overview, SPEC §3–§4): the person's events, spans and deadlines
turned into coordinates of an SVG drawn on the server (no script, no outside resources, so the
Content Security Policy stays strict). The template draws the shapes; the list of events on the
same page is the chart's text alternative. The dashboard's charts are in reporting.charts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cases.models import Phase

from .models import Category
from .selectors import records as record_reads

# Geometry of the chart, in SVG user units (the viewBox); the browser scales it to the page.
CHART_WIDTH = 1000
GUTTER = 160  # the lane names on the left
RIGHT_PAD = 16
PLOT_WIDTH = CHART_WIDTH - GUTTER - RIGHT_PAD
AXIS_HEIGHT = 34
ROW_HEIGHT = 34
BAR_HEIGHT = 22
TICK = 10  # side of a square / diamond mark
CHAR_WIDTH = 6.6  # an estimate of one character at the chart's label size, to decide whether a
#                   label fits inside its bar (if not, the bar's <title> and the list carry it)


def lane_labels() -> dict[str, str]:
    """Lane names for the list's tags (translated per request)."""
    return {
        record_reads.LANE_MAPPING: _("Kartläggning"),
        record_reads.LANE_CASE: _("Ärende"),
        record_reads.LANE_PLAN: _("Plan"),
        record_reads.LANE_INTERVENTION: _("Insats"),
        record_reads.LANE_MEETING: _("Möte"),
        record_reads.LANE_STATUS: _("Status AF"),
        record_reads.LANE_CONSENT: _("Samtycke"),
        record_reads.LANE_BENEFIT: _("Sjukfall och ersättning"),
    }


@dataclass
class _Scale:
    start: dt.date
    end: dt.date  # exclusive: the first day after the chart

    @property
    def days(self) -> int:
        return max((self.end - self.start).days, 1)

    def x(self, day: dt.date) -> float:
        return round(GUTTER + (day - self.start).days / self.days * PLOT_WIDTH, 1)


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _scale(dates: list[dt.date], today: dt.date) -> _Scale:
    """Whole months from the first event to today (or the last planned date, if later)."""
    first = min(dates + [today])
    last = max(dates + [today])
    return _Scale(_month_start(first), _next_month(last))


def _month_ticks(scale: _Scale) -> list[dict]:
    """Every month start gets a grid line; labels thin out on long stories so they never
    overlap (every month up to 1½ years, then quarters, half-years, years)."""
    months = []
    day = scale.start
    while day < scale.end:
        months.append(day)
        day = _next_month(day)
    step = next(s for limit, s in ((18, 1), (54, 3), (108, 6), (10**6, 12)) if len(months) <= limit)
    return [
        {"x": scale.x(m), "date": m, "label": (m.month - 1) % step == 0 or len(months) == 1}
        for m in months
    ]


def _fit(text: str, width: float) -> bool:
    return len(text) * CHAR_WIDTH + 8 <= width


def _bar(span: record_reads.TimelineSpan, scale: _Scale, y: float) -> dict:
    x = scale.x(span.start)
    width = max(scale.x(span.end + dt.timedelta(days=1)) - x, 3)
    text = next((t for t in (span.label, span.short) if _fit(t, width)), "")
    if not text and len(span.short) > 1:
        # as much of the short label as fits, marked as cut; the <title> and the list have all
        room = int((width - 8) / CHAR_WIDTH) - 1
        text = span.short[:room].rstrip() + "…" if room >= 3 else ""
    return {
        "x": x,
        "y": y,
        "width": round(width, 1),
        "height": BAR_HEIGHT,
        "text": text,
        "text_x": round(x + 4, 1),
        "text_y": y + BAR_HEIGHT / 2 + 4,
        "title": span.label,
        "css": span.css + (" tl-running" if span.running else ""),
        "url": span.url,
        "start": span.start,
        "end": span.end,
        "running": span.running,
    }


def _tick(scale: _Scale, day: dt.date, top: float, shape: str, css: str, title: str) -> dict:
    """A mark in the middle of its day; the template draws `shape` around (x, y)."""
    x = round(scale.x(day) + PLOT_WIDTH / scale.days / 2, 1)
    y = top + ROW_HEIGHT / 2
    return {
        "x": x,
        "y": y,
        "x0": round(x - TICK / 2, 1),
        "y0": y - TICK / 2,
        "y1": y - BAR_HEIGHT / 2,
        "y2": y + BAR_HEIGHT / 2,
        "size": TICK,
        "r": TICK / 2 + 1,
        "shape": shape,
        "css": css,
        "title": title,
        "date": day,
    }


def _pack(spans: list[record_reads.TimelineSpan]) -> list[list[record_reads.TimelineSpan]]:
    """Overlapping interventions go on separate rows of their lane (first row with room)."""
    rows: list[list[record_reads.TimelineSpan]] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        for row in rows:
            # A move hands over on one day: the new intervention may start the day the
            # old one ended and still share its row.
            if row[-1].end <= span.start:
                row.append(span)
                break
        else:
            rows.append([span])
    return rows or [[]]


def timeline_chart(*, events, spans, deadlines, today: dt.date) -> dict | None:
    """Lanes of bars and ticks with coordinates; None when there is nothing to draw."""
    planned = [d for d in deadlines if d.kind == "intervention_planned_start" and d.date]
    dates = [e.date for e in events] + [s.start for s in spans] + [s.end for s in spans]
    dates += [d.date for d in planned]
    if not dates:
        return None
    scale = _scale(dates, today)
    lanes = []
    y = AXIS_HEIGHT

    def lane(key, name, rows=1):
        nonlocal y
        entry = {
            "key": key,
            "name": name,
            "y": y,
            "height": rows * ROW_HEIGHT,
            "label_y": y + ROW_HEIGHT / 2 + 4,
            "mid": y + ROW_HEIGHT / 2,
            "bars": [],
            "ticks": [],
        }
        lanes.append(entry)
        y += rows * ROW_HEIGHT
        return entry

    def bar_y(row: int, top: float) -> float:
        return top + row * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2

    def tick(entry, event, shape, css, dy=0.0):
        entry["ticks"].append(
            _tick(scale, event.date, entry["y"] + dy, shape, css, f"{event.date}: {event.title}")
        )

    by_lane: dict[str, list] = {}
    for span in spans:
        by_lane.setdefault(span.lane, []).append(span)

    mapping = lane(record_reads.LANE_MAPPING, _("Kartläggning"))
    for span in by_lane.get(record_reads.LANE_MAPPING, []):
        mapping["bars"].append(_bar(span, scale, bar_y(0, mapping["y"])))

    case = lane(record_reads.LANE_CASE, _("Ärende och faser"))
    for span in by_lane.get(record_reads.LANE_CASE, []):
        case["bars"].append(_bar(span, scale, bar_y(0, case["y"])))
    for event in events:
        if event.kind == "plan_version":
            # on the bar's upper edge, so the phase number beneath stays readable
            tick(case, event, "diamond", "tl-tick-plan", dy=-BAR_HEIGHT / 2)
        elif event.kind == "case_closed":
            tick(case, event, "bar", "tl-tick-closed")

    rows = _pack(by_lane.get(record_reads.LANE_INTERVENTION, []))
    interventions = lane(record_reads.LANE_INTERVENTION, _("Insatser"), len(rows))
    for n, row in enumerate(rows):
        for span in row:
            interventions["bars"].append(_bar(span, scale, bar_y(n, interventions["y"])))
    for item in planned:
        interventions["ticks"].append(
            _tick(
                scale,
                item.date,
                interventions["y"],
                "diamond",
                "tl-tick-planned",
                f"{item.date}: {item.wording}",
            )
        )

    meetings = lane(record_reads.LANE_MEETING, _("Möten"))
    status = lane(record_reads.LANE_STATUS, _("Status hos AF"))
    for event in events:
        if event.kind in ("meeting", "mapping_first_meeting"):
            tick(meetings, event, "circle", "tl-tick-meeting")
        elif event.kind == "status_entry":
            good = "tl-status-work" in event.css
            tick(
                status,
                event,
                "square",
                "tl-tick-status-work" if good else "tl-tick-status-other",
            )

    height = y + 6
    return {
        "width": CHART_WIDTH,
        "height": height,
        "gutter": GUTTER,
        "plot_right": CHART_WIDTH - RIGHT_PAD,
        "axis_y": AXIS_HEIGHT,
        "months": _month_ticks(scale),
        "lanes": lanes,
        "today_x": scale.x(today) + round(PLOT_WIDTH / scale.days / 2, 1),
        "start": scale.start,
        "end": scale.end - dt.timedelta(days=1),
        "counts": {
            "mappings": len({s.url for s in by_lane.get(record_reads.LANE_MAPPING, [])}),
            "cases": len({s.url for s in by_lane.get(record_reads.LANE_CASE, [])}),
            "interventions": len(by_lane.get(record_reads.LANE_INTERVENTION, [])),
            "meetings": len(meetings["ticks"]),
            "status": len(status["ticks"]),
        },
    }


def timeline_summary(chart: dict, person) -> str:
    counts = chart["counts"]
    return _(
        "Tidslinje för %(name)s från %(start)s till %(end)s: %(mappings)d kartläggningar, "
        "%(cases)d ärenden, %(interventions)d insatser, %(meetings)d möten och %(status)d "
        "statusposter. Alla händelser finns som text i listan under bilden."
    ) % {
        "name": person.full_name,
        "start": chart["start"].isoformat(),
        "end": chart["end"].isoformat(),
        **counts,
    }


def timeline_legend() -> list[dict]:
    phases = [
        {
            "css": f"tl-phase-{p.value}",
            "mark": str(record_reads.PHASE_NUMBERS[p.value]),
            "label": p.label,
        }
        for p in Phase
        if p.value in record_reads.PHASE_NUMBERS
    ]
    return [
        {"css": "tl-mapping-waiting", "shape": "bar", "label": _("Kartläggning: väntar på möte")},
        {"css": "tl-mapping-held", "shape": "bar", "label": _("Kartläggning: pågår eller hölls")},
        *[
            {
                "shape": "bar",
                **p,
                "label": _("Fas %(n)s: %(label)s") % {"n": p["mark"], "label": p["label"]},
            }
            for p in phases
        ],
        {
            "css": f"tl-int-{Category.WORK_PREPARATORY}",
            "shape": "bar",
            "label": _("Arbetsförberedande insats (randig)"),
        },
        {
            "css": f"tl-int-{Category.WORK_ORIENTED}",
            "shape": "bar",
            "label": _("Arbetslivsinriktad insats (hel färg)"),
        },
        {"css": "tl-tick-planned", "shape": "diamond", "label": _("Planerad start av insats")},
        {"css": "tl-tick-plan", "shape": "diamond", "label": _("Ny version av individuell plan")},
        {"css": "tl-tick-closed", "shape": "bar-tick", "label": _("Ärendet avslutat")},
        {"css": "tl-tick-meeting", "shape": "circle", "label": _("Möte")},
        {
            "css": "tl-tick-status-work",
            "shape": "square",
            "label": _("Status: arbete eller utbildning (fylld)"),
        },
        {"css": "tl-tick-status-other", "shape": "square", "label": _("Annan status (ofylld)")},
        {"css": "tl-today", "shape": "line", "label": _("I dag (streckad linje)")},
    ]
