"""The worklist's rows (cases/worklist.html), written in Python once per page.

The page shows 50 rows of up to three flag chips each. Written by the template language, each
row cost about 1 ms: every variable resolved through the context, every `{% translate %}` and
`{% url %}` evaluated again, every number and date formatted through the locale machinery, every
flag's labels translated again. Here what is the same on every row is made once per page (the
translations, the case page's address with the case's number formatted in, the severity marks)
and what is the same for every row with the same flag once per distinct flag (its chip and its
tooltip); a row only escapes its own values into fixed markup.

The markup is the template's, byte for byte: `cases/tests/test_worklist_rows.py` renders the same
rows with the template markup this replaced and compares."""

from __future__ import annotations

import datetime as dt

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext

from ..flags import SINCE
from .flag_marks import level_mark

register = template.Library()

# A number no case has, replaced by the case's own in the address reversed once per page.
_PK_SLOT = "2147483647"
# Chips shown per row; the rest are counted in a link to the case's flags.
CHIPS_SHOWN = 3


def _iso(day) -> str:
    """The `date:"Y-m-d"` filter of a date, without the locale machinery."""
    if type(day) is dt.date:
        return day.isoformat()
    return date_filter(day, "Y-m-d")


def _text(value) -> str:
    """`{{ value }}`: as the template shows it, escaped (an int and a string directly, anything
    else through the locale as the template would)."""
    if type(value) is int:
        return str(value)
    if not isinstance(value, str):
        value = localize(template_localtime(value))
    return conditional_escape(value)


class _Page:
    """What the rows of one page share: made when the page is written, so in the reader's
    language."""

    def __init__(self, *, is_coordinator: bool):
        self.is_coordinator = is_coordinator
        prefix, _slot, suffix = reverse("cases:case_detail", args=[_PK_SLOT]).partition(_PK_SLOT)
        self.url_prefix, self.url_suffix = escape(prefix), escape(suffix)
        self.young = (
            ' <abbr class="tag tag-priority" title="'
            + gettext("Prioriterad grupp: ung")
            + '">'
            + gettext("Ung")
            + "</abbr>"
        )
        self.benefit_ends = (
            ' <abbr class="tag tag-priority" title="'
            + gettext("Prioriterad grupp: förmånstiden slutar inom 12 månader")
            + '">'
            + gettext("Förmån")
            + "</abbr>"
        )
        self.since, self.due_by = gettext("Sedan"), gettext("Senast")
        self.marks: dict = {}
        self.chips: dict = {}
        # the lazy labels of the rows (phase, target group) by identity: module constants
        self.labels: dict = {}
        self.more: dict = {}

    def mark(self, level) -> str:
        """`{% level_mark level compact=True %}`, once per level."""
        found = self.marks.get(level)
        if found is None:
            found = self.marks[level] = str(conditional_escape(level_mark(level, compact=True)))
        return found

    def chip(self, flag) -> tuple[str, str, str, str]:
        """A flag's chip in three pieces, around the case's number and the chip's place in the
        row (its tooltip's id, twice), and its tooltip's text. What depends only on the flag and
        its severity is made once per page; the wording and the date are the flag's own."""
        key = (flag.code, flag.level)
        found = self.chips.get(key)
        if found is None:
            found = self.chips[key] = (
                f'<span class="chip chip-{_text(flag.level)}" tabindex="0" '
                f'data-flag="{_text(flag.code)}" aria-describedby="tip-',
                f'">{self.mark(flag.level)}{_text(flag.short)}<span class="chip-tip" '
                f'role="tooltip" id="tip-',
                f'">{_text(flag.level_label)}: ',
            )
        tip = _text(flag.wording)
        if flag.deadline:
            kind = self.since if flag.date_kind == SINCE else self.due_by
            tip = f"{tip} {kind} {_text(_iso(flag.deadline))}"
        return (*found, tip)

    def label(self, value) -> str:
        """`{{ value }}` of a label, a lazy one translated once per page."""
        if isinstance(value, Promise):
            found = self.labels.get(id(value))
            if found is None:
                found = self.labels[id(value)] = conditional_escape(value)
            return found
        return _text(value)

    def more_text(self, count: int) -> str:
        """The `{% blocktranslate count %}` of the chips not shown."""
        found = self.more.get(count)
        if found is None:
            found = self.more[count] = ngettext("+%(n)s till", "+%(n)s till", count) % {"n": count}
        return found

    def row(self, row: dict) -> str:
        case = row["case"]
        pk = _text(case.pk)
        url = f"{self.url_prefix}{pk}{self.url_suffix}"
        person = case.person
        parts = [
            f'\n    <tr data-case="{pk}"',
            ' class="row-overdue">' if row["overdue"] else ">",
            f'\n      <th scope="row" class="cell-name"><a href="{url}">'
            f"{_text(person.full_name)}</a>",
            self.young if row["young"] else "",
            self.benefit_ends if row["benefit_ends"] else "",
            f'</th>\n      <td class="nowrap">{_text(person.masked_personnummer)}</td>'
            f'\n      <td class="nowrap" title="{self.label(row["phase_title"])}">'
            f"{self.label(row['phase_short'])}</td>"
            f'\n      <td class="num">'
            f"{'–' if row['days'] is None else _text(row['days'])}</td>"
            f'\n      <td class="cell-clip" title="{self.label(row["target_title"])}">'
            f"{self.label(row['target_short'] or '–')}</td>\n      ",
        ]
        if self.is_coordinator:
            officers = _text(row["officers"] or "–")
            parts.append(f'<td class="cell-clip" title="{officers}">{officers}</td>')
        parts.append('\n      <td class="cell-flags"><div class="chips">')
        flags = row["flags"]
        for place, flag in enumerate(flags[:CHIPS_SHOWN], start=1):
            before, middle, label, tip = self.chip(flag)
            parts.append(f"{before}{pk}-{place}{middle}{pk}-{place}{label}{tip}</span></span>")
        if len(flags) > CHIPS_SHOWN:
            parts.append(
                f'<a class="chip chip-more" href="{url}#flags-h">'
                f"{self.more_text(len(flags) - CHIPS_SHOWN)}</a>"
            )
        parts.append('</div></td>\n      <td class="nowrap cell-deadline">')
        if row["deadline"]:
            day = _text(_iso(row["deadline"]))
            parts.append(f'{self.mark(row["deadline_level"])}<time datetime="{day}">{day}</time>')
        else:
            parts.append("–")
        parts.append("</td>\n    </tr>\n  ")
        return "".join(parts)


@register.simple_tag
def worklist_rows(rows, is_coordinator):
    """The table rows of `rows` (the view's, cases.views.worklist), with the officers' column
    for a coordinator."""
    page = _Page(is_coordinator=bool(is_coordinator))
    return mark_safe("".join(page.row(row) for row in rows))  # noqa: S308 (escaped above)
