"""The worklist's rows are written in Python once per page (cases.templatetags.worklist_rows)
instead of by the template language row by row: the page must stay byte for byte what the
template wrote. Held here on the varied cases of the list's SQL test (every flag, FK's facts
hidden and shown, ended cases, cases without a start) and a few more (a young participant, names
that must be escaped, a case without officers, a fourth flag and more), for an officer and a
coordinator (the officers' column), in Swedish and English: the rows of the page as the view
sends them, and the same rows written by the template markup the tag replaced."""

import datetime as dt
import re

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from cases.flag_rules import SINCE
from cases.models import Case
from cases.templatetags.worklist_rows import worklist_rows
from cases.tests.factories import CaseFactory, PersonFactory, make_personnummer
from cases.tests.test_worklist_sql import varied_cases

pytestmark = pytest.mark.django_db

# The rows as cases/worklist.html wrote them with the template language, before the tag.
TEMPLATE_ROWS = (
    "{% load i18n flag_marks %}"
    "{% for row in rows %}{% with case=row.case %}\n"
    '    <tr data-case="{{ case.pk }}"{% if row.overdue %} class="row-overdue"{% endif %}>\n'
    '      <th scope="row" class="cell-name"><a href="{% url \'cases:case_detail\' case.pk %}">'
    "{{ case.person.full_name }}</a>{% if row.young %} "
    '<abbr class="tag tag-priority" title="{% translate \'Prioriterad grupp: ung\' %}">'
    '{% translate "Ung" %}</abbr>{% endif %}{% if row.benefit_ends %} '
    '<abbr class="tag tag-priority" title="'
    "{% translate 'Prioriterad grupp: förmånstiden slutar inom 12 månader' %}\">"
    '{% translate "Förmån" %}</abbr>{% endif %}</th>\n'
    '      <td class="nowrap">{{ case.person.masked_personnummer }}</td>\n'
    '      <td class="nowrap" title="{{ row.phase_title }}">{{ row.phase_short }}</td>\n'
    '      <td class="num">{{ row.days|default_if_none:"–" }}</td>\n'
    '      <td class="cell-clip" title="{{ row.target_title }}">'
    '{{ row.target_short|default:"–" }}</td>\n'
    '      {% if is_coordinator %}<td class="cell-clip" title="{{ row.officers|default:"–" }}">{{ row.officers|default:"–" }}</td>'
    "{% endif %}\n"
    '      <td class="cell-flags"><div class="chips">{% for flag in row.flags|slice:":3" %}'
    '<span class="chip chip-{{ flag.level }}" tabindex="0" data-flag="{{ flag.code }}" '
    'aria-describedby="tip-{{ case.pk }}-{{ forloop.counter }}">'
    "{% level_mark flag.level compact=True %}{{ flag.short }}"
    '<span class="chip-tip" role="tooltip" id="tip-{{ case.pk }}-{{ forloop.counter }}">'
    "{{ flag.level_label }}: {{ flag.wording }}{% if flag.deadline %} "
    '{% if flag.date_kind == "since" %}{% translate "Sedan" %}{% else %}'
    '{% translate "Senast" %}{% endif %} {{ flag.deadline|date:"Y-m-d" }}{% endif %}'
    "</span></span>{% endfor %}{% if row.flags|length > 3 %}"
    '<a class="chip chip-more" href="{% url \'cases:case_detail\' case.pk %}#flags-h">'
    '{% blocktranslate count n=row.flags|length|add:"-3" %}+{{ n }} till{% plural %}'
    "+{{ n }} till{% endblocktranslate %}</a>{% endif %}</div></td>\n"
    '      <td class="nowrap cell-deadline">{% if row.deadline %}'
    "{% level_mark row.deadline_level compact=True %}"
    '<time datetime="{{ row.deadline|date:\'Y-m-d\' }}">{{ row.deadline|date:"Y-m-d" }}'
    "</time>{% else %}–{% endif %}</td>\n"
    "    </tr>\n"
    "  {% endwith %}{% endfor %}"
)


def template_rows(rows, is_coordinator: bool) -> str:
    return (
        engines["django"]
        .from_string(TEMPLATE_ROWS)
        .render({"rows": rows, "is_coordinator": is_coordinator})
    )


def tbody(response) -> str:
    return re.search(r"<tbody>\n  (.*)\n  </tbody>", response.content.decode(), re.S).group(1)


@pytest.fixture
def cases(area, fk_officer, af_officer):
    varied = varied_cases(area, fk_officer, af_officer, n=54)
    today = dt.date.today()
    more = [
        # young (born 2005), names to escape, many flags
        CaseFactory(
            person=PersonFactory(
                area=area,
                personnummer=make_personnummer(dt.date(2005, 3, 4)),
                first_name="Ann-Sofie <b>",
                last_name='O\'Brien & "Öst"',
            ),
            fk_officer=fk_officer,
            start_date=today - dt.timedelta(days=400),
            benefit="sjukpenning",
            benefit_end_date=today - dt.timedelta(days=10),
            sick_leave_start=today - dt.timedelta(days=300),
            target_group="",
        ),
        CaseFactory(
            person=PersonFactory(area=area, last_name="Åkesson"),
            fk_officer=fk_officer,
            start_date=today - dt.timedelta(days=5),
            referral_date=today - dt.timedelta(days=5),
            benefit_end_date=today + dt.timedelta(days=100),
        ),
        # no officer yet: the coordinator sees it
        CaseFactory(person=PersonFactory(area=area), start_date=today - dt.timedelta(days=3)),
    ]
    return [*varied, *more]


def pages(client, **params):
    for number in (1, 2):
        response = client.get(reverse("home"), {**params, "page": number})
        assert response.status_code == 200
        yield response


@pytest.mark.parametrize("reader", ["fk_officer", "coordinator"])
def test_the_rows_are_the_template_s_byte_for_byte(request, cases, reader, login):
    client = login(request.getfixturevalue(reader))
    is_coordinator = reader == "coordinator"
    seen = []
    for sort in ("deadline", "-name"):
        for response in pages(client, sort=sort):
            rows = response.context["rows"]
            assert rows, "a page without rows proves nothing"
            assert tbody(response) == template_rows(rows, is_coordinator)
            for language in ("sv", "en"):
                with translation.override(language):
                    assert worklist_rows(rows, is_coordinator) == template_rows(
                        rows, is_coordinator
                    )
            seen.extend(rows)
    # a row without flags and without a deadline (no case of these has none)
    bare = [{**seen[0], "flags": [], "deadline": None, "deadline_level": None}]
    assert worklist_rows(bare, is_coordinator) == template_rows(bare, is_coordinator)
    seen.extend(bare)

    # every kind of row was compared
    kinds = {
        "overdue": any(row["overdue"] for row in seen),
        "on time": any(not row["overdue"] for row in seen),
        "young": any(row["young"] for row in seen),
        "benefit ends": any(row["benefit_ends"] for row in seen),
        "more than three flags": any(len(row["flags"]) > 3 for row in seen),
        "no flag": any(not row["flags"] for row in seen),
        "a flag since a date": any(f.date_kind == SINCE for row in seen for f in row["flags"]),
        "a flag without a date": any(not f.deadline for row in seen for f in row["flags"]),
        "no deadline": any(row["deadline"] is None for row in seen),
        "no day count": any(row["days"] is None for row in seen),
        "no target group": any(not row["target_short"] for row in seen),
        "closed": any(row["case"].phase == Case.Phase.CLOSED for row in seen),
        "escaped name": any("<" in row["case"].person.full_name for row in seen),
    }
    if is_coordinator:
        kinds["no officers"] = any(not row["officers"] for row in seen)
    assert all(kinds.values()), [kind for kind, found in kinds.items() if not found]
