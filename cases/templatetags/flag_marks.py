"""The severity mark of a flag or a deadline (cases.flags): an icon and a word besides the
colour, the same on every page."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from ..flags import LEVEL_ICONS, LEVEL_LABELS

register = template.Library()


@register.simple_tag
def level_mark(level: str | None, *, compact: bool = False):
    """`compact`: the icon only, the word for screen readers (the worklist's chips). Written
    directly rather than through an included template: the worklist shows up to four per row."""
    label = LEVEL_LABELS.get(level, "")
    if not label:
        return ""
    word = (
        format_html('<span class="visually-hidden">{}:</span>', label)
        if compact
        else format_html('<span class="level-word">{}</span>', label)
    )
    return format_html(
        '<span class="level level-{}"><span class="level-icon" aria-hidden="true">{}</span>{}'
        "</span>",
        level,
        LEVEL_ICONS.get(level, ""),
        word,
    )
