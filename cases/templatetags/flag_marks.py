"""The severity mark of a flag or a deadline (cases.flags): an icon and a word besides the
colour, the same on every page."""

from __future__ import annotations

from django import template

from ..flags import LEVEL_ICONS, LEVEL_LABELS

register = template.Library()


@register.inclusion_tag("includes/level_mark.html")
def level_mark(level: str | None, *, compact: bool = False):
    """`compact`: the icon only, the word for screen readers (the worklist's chips)."""
    return {
        "level": level,
        "icon": LEVEL_ICONS.get(level, ""),
        "label": LEVEL_LABELS.get(level, ""),
        "compact": compact,
    }
