"""Charts for the follow-up dashboard (SPEC §5 "Dashboards"), drawn on the server by pygal and
embedded as data-URI SVG images (ADR 0010): no JavaScript, no CDN, and the site's strict CSP
holds (an SVG shown through <img> keeps its own styles and never runs a script).

Readable at a glance and for more readers than colour alone serves:
- large type (13–14 px at the chart's natural width) in dark grey on white;
- colours with at least 3:1 contrast against white, and series also told apart by their line
  (solid, dotted, dash-dot) and dots; goals and plans are dashed grey lines without dots, and
  say so in the legend;
- a missing or hidden value (no snapshot, a suppressed small cell) is a gap, never a zero;
- every chart has an alt text saying what it shows, and the table behind it stands under it on
  the page (the table, not the picture, is the accessible source of the figures).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

WIDTH = 900
HEIGHT = 380
FONT = '"DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif'
INK = "#1b1b1b"
MUTED = "#4a4a4a"

# role -> (colour, line, dots). Colours are the site's brand blue and darker variants of the
# Okabe–Ito colour-blind-safe palette, each at least 3:1 against white (WCAG 1.4.11).
ROLES = {
    "primary": ("#00405f", {}, 4),
    "women": ("#a63d00", {}, 4),
    "men": ("#005a8c", {"dasharray": "3,5", "linecap": "round"}, 4),
    "all": ("#1e6b45", {"dasharray": "12,5,3,5"}, 3),
    "goal": (MUTED, {"dasharray": "10,6"}, 0),
    # A forecast continues its group's line in the same colour, dashed, with small dots.
    "women_forecast": ("#a63d00", {"dasharray": "7,5"}, 2),
    "men_forecast": ("#005a8c", {"dasharray": "7,5"}, 2),
    # Bars: the fill tells them apart, plus their order and the legend.
    "bar": ("#00405f", {}, 0),
    "bar_second": ("#a63d00", {}, 0),
    "bar_goal": ("#8c8c8c", {}, 0),
    # Parts of a whole, side by side in one bar: four hues apart in lightness too, each 3:1
    # against white; the bars' white edges keep neighbours apart.
    "part_1": ("#1e6b45", {}, 0),
    "part_2": ("#005a8c", {}, 0),
    "part_3": ("#a63d00", {}, 0),
    "part_4": ("#5c5c5c", {}, 0),
}


@dataclass(frozen=True)
class Series:
    title: str
    values: Sequence[float | int | None]
    role: str = "primary"


@dataclass(frozen=True)
class Chart:
    """One embedded chart: `src` goes into <img src>, `alt` into its alt attribute."""

    src: str
    alt: str
    width: int
    height: int


def _number(value: float) -> str:
    """Swedish: a decimal comma, no decimals on whole numbers."""
    if value is None:
        return ""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _percent(value: float) -> str:
    return "" if value is None else f"{_number(value)}%"


def _style(colours: Sequence[str], *, stroke_width: int) -> Style:
    return Style(
        font_family=FONT,
        background="#ffffff",
        plot_background="#ffffff",
        foreground=INK,
        foreground_strong=INK,
        foreground_subtle=MUTED,
        opacity=".9",
        opacity_hover="1",
        stroke_opacity="1",
        stroke_opacity_hover="1",
        stroke_width=str(stroke_width),
        stroke_width_hover=str(stroke_width),
        guide_stroke_color="#c7c7c7",
        major_guide_stroke_color="#c7c7c7",
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=14,
        title_font_size=16,
        value_font_size=13,
        value_label_font_size=13,
        tooltip_font_size=13,
        no_data_font_size=18,
        colors=tuple(colours),
    )


def _inert(title: str):
    """An xml filter: drop pygal's inline config <script> (an <img> would never run it, but an
    image with no script at all needs no argument) and title the SVG with the alt text."""

    def apply(root):
        for parent in root.iter():
            for child in list(parent):
                if child.tag == "script":
                    parent.remove(child)
        for child in root:
            if child.tag == "title":
                child.text = title
        return root

    return apply


def _config(*, series: Sequence[Series], height: int, stroke_width: int = 1) -> dict:
    return dict(
        style=_style([ROLES[s.role][0] for s in series], stroke_width=stroke_width),
        width=WIDTH,
        height=height,
        js=[],
        disable_xml_declaration=True,
        legend_at_bottom=True,
        # At most as many columns as series: pygal 3.1.3 reserves no room for the legend
        # when there are fewer series than columns, and cuts it off.
        legend_at_bottom_columns=max(1, min(5, len(series))),
        legend_box_size=14,
        truncate_legend=-1,
        truncate_label=-1,
        show_minor_y_labels=True,
        no_data_text=_("Inga uppgifter att visa"),
        margin=12,
        spacing=14,
        tooltip_border_radius=0,
    )


def _embed(chart, *, alt: str, height: int) -> Chart:
    chart.add_xml_filter(_inert(alt))
    svg = chart.render()
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Chart(src=f"data:image/svg+xml;base64,{encoded}", alt=alt, width=WIDTH, height=height)


def _ceiling(series: Sequence[Series], floor: float = 5) -> float:
    """The top of the value axis: the largest value with some headroom, at least `floor`."""
    values = [v for s in series for v in s.values if v is not None]
    return max([floor, *values]) * 1.1


def line_chart(
    *,
    labels: Sequence[str],
    series: Sequence[Series],
    alt: str,
    percent: bool = False,
    y_title: str = "",
    height: int = HEIGHT,
) -> Chart:
    """One line per series over `labels` (months); None is a gap in the line."""
    chart = pygal.Line(
        **_config(series=series, height=height, stroke_width=3),
        allow_interruptions=True,
        x_label_rotation=45,
        y_title=y_title or None,
        range=(0, 100) if percent else (0, _ceiling(series)),
        include_x_axis=True,
        value_formatter=_percent if percent else _number,
    )
    chart.x_labels = list(labels)
    for one in series:
        colour, stroke, dots = ROLES[one.role]
        chart.add(
            one.title,
            list(one.values),
            stroke_style=stroke,
            show_dots=dots > 0,
            dots_size=dots or 1,
        )
    return _embed(chart, alt=alt, height=height)


def bar_chart(
    *,
    labels: Sequence[str],
    series: Sequence[Series],
    alt: str,
    horizontal: bool = False,
    y_title: str = "",
    height: int = HEIGHT,
) -> Chart:
    """Bars side by side per label; horizontal for long labels (names). None draws no bar."""
    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    chart = kind(
        **_config(series=series, height=height),
        x_label_rotation=0 if horizontal else 45,
        y_title=y_title or None,
        range=(0, _ceiling(series)),
        value_formatter=_number,
    )
    # pygal draws a horizontal chart's first label at the bottom; reversed, the chart reads
    # top to bottom in the order of the table under it.
    order = (lambda items: list(items)[::-1]) if horizontal else list
    chart.x_labels = order(labels)
    for one in series:
        chart.add(one.title, order(one.values))
    return _embed(chart, alt=alt, height=height)


def stacked_share_chart(
    *,
    labels: Sequence[str],
    series: Sequence[Series],
    alt: str,
    height: int | None = None,
) -> Chart:
    """One horizontal bar per label, split into the series' shares (per cent of the label's
    whole), in the order of the table under it. A hidden share draws no part: the bar then stops
    short of 100 %, and the table says why."""
    height = height or max(220, 140 + 34 * len(labels))
    config = _config(series=series, height=height)
    config["legend_at_bottom_columns"] = 1  # the categories' names are long: one per line
    chart = pygal.HorizontalStackedBar(
        **config,
        range=(0, 100),
        value_formatter=_percent,
        print_values=False,
    )
    chart.x_labels = list(labels)[::-1]
    for one in series:
        chart.add(one.title, list(one.values)[::-1], stroke_style={"width": 1, "color": "#ffffff"})
    return _embed(chart, alt=alt, height=height)


def bar_height(count: int) -> int:
    """A horizontal bar chart tall enough for `count` labels of two bars each."""
    return max(220, 120 + 44 * count)
