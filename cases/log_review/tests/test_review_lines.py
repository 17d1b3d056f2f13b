"""The lines of the coordinator's log review (audit:review, SPEC §7, issue 14 point 4): objects
named in Swedish and linked, repeated views in one minute collapsed into one line with a count,
purposes without the code's field and phase names, and nothing of another area's objects.

Entries are written as the application writes them (audit.services.access_log_record, or the
services themselves) and dated with time_machine; requests are made at the real time with an
explicit ?month= (see audit/tests/test_review.py)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.scoping import scope_for
from audit.models import AccessLog
from audit.services import access_log_record
from cases.log_review.lines import log_lines
from cases.log_review.selectors import views_collapsed
from cases.models import Case, Person
from cases.services import case_transition, case_update
from cases.tests.factories import CaseFactory, PersonFactory
from mapping.tests.factories import InterventionFactory, JointMappingFactory
from samverkan.services import AccessContext

STOCKHOLM = ZoneInfo("Europe/Stockholm")
REVIEW = reverse("audit:review")


def _at(day, hour=10, minute=0, second=0):
    return dt.datetime(2026, 3, day, hour, minute, second, tzinfo=STOCKHOLM)


def _record(user, obj, *, when, action=AccessLog.Action.VIEW, purpose="eget ärendebestånd", **kw):
    with time_machine.travel(when, tick=False):
        return access_log_record(action=action, user=user, obj=obj, purpose=purpose, **kw)


def _shown(lines):
    return {(line.object.label, line.object.url) for line in lines}


def _person_lines(client, person):
    response = client.get(REVIEW, {"person": person.pk})
    assert response.status_code == 200
    return response, response.context["person_entries"]


# --- objects named and linked -----------------------------------------------------------------


def test_objects_are_named_in_swedish_and_linked_to_their_pages(
    area, person, case, fk_officer, coordinator, login
):
    # given views of the person, the case, a joint mapping and an intervention, and an export
    mapping = JointMappingFactory(person=person)
    intervention = InterventionFactory(case=case)
    for i, obj in enumerate([person, case, mapping, intervention]):
        _record(fk_officer, obj, when=_at(2, 9 + i))
    _record(
        fk_officer,
        None,
        when=_at(3),
        action=AccessLog.Action.EXPORT,
        object_type="export",
        object_id="a1b2c3",
        person_id=person.pk,
        area_id=area.pk,
        purpose="export participants, export-id a1b2c3",
    )

    # when the coordinator reviews the person
    response, lines = _person_lines(login(coordinator), person)

    # then each object is named as the interface names it, linked where it has a page
    assert _shown(lines) == {
        (f"Person {person.full_name}", reverse("cases:person_detail", args=[person.pk])),
        (f"Ärende {case.pk}", reverse("cases:case_detail", args=[case.pk])),
        (f"Kartläggning {mapping.pk}", reverse("mapping:mapping_detail", args=[mapping.pk])),
        (
            f"Insats {intervention.pk}",
            reverse("mapping:intervention_detail", args=[intervention.pk]),
        ),
        ("Export", ""),
    }
    html = response.content.decode()
    assert f'<a href="{reverse("cases:case_detail", args=[case.pk])}">Ärende {case.pk}</a>' in html
    for code in ("jointmapping", "intervention ", f"case {case.pk}", f"person {person.pk}"):
        assert code not in html


def test_names_and_links_take_one_query_per_object_type_whatever_the_number_of_rows(
    area, fk_officer, coordinator
):
    def lines_for(count):
        cases = [CaseFactory(person=PersonFactory(area=area)) for _ in range(count)]
        written = []
        for i, case in enumerate(cases):
            written.append(_record(fk_officer, case, when=_at(4, 9, i)).pk)
            written.append(_record(fk_officer, case.person, when=_at(4, 11, i)).pk)
        entries = list(views_collapsed(AccessLog.objects.filter(pk__in=written)))
        with CaptureQueriesContext(connection) as queries:
            lines = log_lines(entries, user=coordinator)
        assert all(line.object.url for line in lines)
        return len(queries)

    scope_for(coordinator)  # the reviewer's scope is read once per request, before the lines
    # one query for the cases, one for the people, one for the staff's names: never one per row
    assert lines_for(2) == lines_for(12) == 3


# --- scoping: nothing of another area ---------------------------------------------------------


def test_objects_since_moved_out_of_the_reviewers_areas_keep_only_their_plain_label(
    person, case, other_area, fk_officer, coordinator, login
):
    # given views in the coordinator's area, after which the person and case moved away
    _record(fk_officer, person, when=_at(2))
    _record(fk_officer, case, when=_at(3))
    Person.objects.filter(pk=person.pk).update(area=other_area)
    Case.objects.filter(pk=case.pk).update(area=other_area)

    # when the coordinator reviews the person
    response, lines = _person_lines(login(coordinator), person)

    # then the entries stay (they are the area's), but nothing now of another area is revealed
    assert _shown(lines) == {("Person", ""), (f"Ärende {case.pk}", "")}
    html = response.content.decode()
    assert person.full_name not in html and 'href="/arenden/' not in html


def test_coordinator_of_another_area_sees_no_names_or_links_of_this_areas_objects(
    person, case, fk_officer, outsider, other_area, other_coordinator, coordinator, login
):
    # given entries of this area, and of a person of the other area
    mapping = JointMappingFactory(person=person)
    for i, obj in enumerate([person, case, mapping]):
        _record(fk_officer, obj, when=_at(2, 9 + i))
    stranger = PersonFactory(area=other_area)
    stranger_case = CaseFactory(person=stranger)
    _record(outsider, stranger, when=_at(2))
    _record(outsider, stranger_case, when=_at(2))

    # when each area's coordinator reviews March
    theirs = login(other_coordinator).get(REVIEW, {"month": "2026-03", "size": 200, "seed": "a"})
    theirs_person = login(other_coordinator).get(REVIEW, {"person": person.pk})
    mine = login(coordinator).get(REVIEW, {"month": "2026-03", "size": 200, "seed": "a"})

    # then neither sees the other's names, objects or links
    for response in (theirs, theirs_person):
        html = response.content.decode()
        assert person.full_name not in html
        assert reverse("cases:case_detail", args=[case.pk]) not in html
        assert reverse("mapping:mapping_detail", args=[mapping.pk]) not in html
        assert reverse("cases:person_detail", args=[person.pk]) not in html
    assert theirs_person.context["person_entries"] == []
    assert _shown(theirs.context["sample"]) == {
        (f"Person {stranger.full_name}", reverse("cases:person_detail", args=[stranger.pk])),
        (f"Ärende {stranger_case.pk}", reverse("cases:case_detail", args=[stranger_case.pk])),
    }
    html = mine.content.decode()
    assert stranger.full_name not in html
    assert reverse("cases:case_detail", args=[stranger_case.pk]) not in html
    assert f"Ärende {stranger_case.pk}" not in html
    assert len(mine.context["sample"]) == 3


# --- repeated views collapsed -----------------------------------------------------------------


@pytest.fixture
def busy_minute(case, fk_officer, af_officer):
    """The FK officer views the case three times within 10:00, once at 10:01 and changes it at
    10:00; the AF officer views it at 10:00 too."""
    return [
        _record(fk_officer, case, when=_at(5, 10, 0, 5)),
        _record(fk_officer, case, when=_at(5, 10, 0, 20)),
        _record(fk_officer, case, when=_at(5, 10, 0, 50)),
        _record(fk_officer, case, when=_at(5, 10, 1, 10)),
        _record(af_officer, case, when=_at(5, 10, 0, 30)),
        _record(
            fk_officer, case, when=_at(5, 10, 0, 40), action=AccessLog.Action.UPDATE, purpose="x"
        ),
    ]


def test_repeated_views_of_an_object_by_a_user_within_a_minute_are_one_line_with_a_count(
    busy_minute, person, fk_officer, af_officer, coordinator, login
):
    response, lines = _person_lines(login(coordinator), person)

    # the three views of 10:00 are one line; the next minute's view, the other user's view and
    # the change are lines of their own
    assert [(line.entry.user.username, line.entry.action, line.accesses) for line in lines] == [
        ("fk.sdt", "view", 1),
        ("fk.sdt", "update", 1),
        ("af.sdt", "view", 1),
        ("fk.sdt", "view", 3),
    ]
    first, _second, third = busy_minute[:3]
    assert lines[-1].entry.pk == first.pk and lines[-1].last_at == third.occurred_at
    html = response.content.decode()
    assert "3 visningar" in html and "2026-03-05 10:00:05–10:00:50" in html
    # the staff by name, the user name in brackets for the auditor
    assert [line.who for line in lines] == [
        f"{fk_officer.get_full_name()} (fk.sdt)",
        f"{fk_officer.get_full_name()} (fk.sdt)",
        f"{af_officer.get_full_name()} (af.sdt)",
        f"{fk_officer.get_full_name()} (fk.sdt)",
    ]
    assert f"<td>{fk_officer.get_full_name()} (fk.sdt)</td>" in html
    # and every access still counts
    assert sum(line.accesses for line in lines) == len(busy_minute)


def test_the_staff_view_still_counts_every_access(
    busy_minute, person, fk_officer, coordinator, login
):
    response = login(coordinator).get(REVIEW, {"staff": fk_officer.pk, "month": "2026-03"})

    assert [(r["person_id"], r["accesses"]) for r in response.context["staff_rows"]] == [
        (person.pk, 5)
    ]


def test_a_drawn_view_is_shown_with_the_other_views_of_its_minute(busy_minute, coordinator, login):
    response = login(coordinator).get(REVIEW, {"month": "2026-03", "size": 200, "seed": "s"})

    sample = response.context["sample"]
    assert sorted(line.accesses for line in sample) == [1, 1, 1, 3]
    assert sum(line.accesses for line in sample) == len(busy_minute)
    assert len({line.entry.pk for line in sample}) == len(sample)


def test_a_sample_of_one_entry_shows_the_line_of_the_drawn_entry(busy_minute, coordinator, login):
    # whichever entry the seed draws, its line counts all the entries of its line
    lines = login(coordinator).get(REVIEW, {"month": "2026-03", "size": 1, "seed": "t"})
    (line,) = lines.context["sample"]
    assert line.accesses == (3 if line.entry.pk == busy_minute[0].pk else 1)


# --- purposes without internal names ----------------------------------------------------------


def test_changed_fields_are_shown_by_their_names_and_the_log_keeps_what_was_written(
    case, fk_officer, coordinator, login
):
    entry = _record(
        fk_officer,
        case,
        when=_at(6),
        action=AccessLog.Action.UPDATE,
        purpose="ändrade: closing_doc_date, fk_notes (skäl: uppföljning)",
    )

    response, lines = _person_lines(login(coordinator), case.person)

    assert [line.purpose for line in lines] == [
        "Ändrade: Slutdokumentation upprättad, FK:s anteckningar (skäl: uppföljning)"
    ]
    html = response.content.decode()
    assert "closing_doc_date" not in html and "fk_notes" not in html
    entry.refresh_from_db()
    assert entry.purpose == "ändrade: closing_doc_date, fk_notes (skäl: uppföljning)"


def test_a_change_and_a_phase_move_made_by_the_services_read_in_the_interfaces_words(
    case, af_officer, fk_officer, coordinator, login
):
    # given the AF officer's change of the case and the FK officer's closing it, as pages make them
    case_update(
        case=case,
        expected_version=None,
        data={"af_notes": "Ny plan."},
        context=AccessContext.for_user(af_officer),
    )
    case_transition(
        case=case,
        to_phase=Case.Phase.CLOSED,
        on=dt.date.today(),
        exit_reason="completed",
        context=AccessContext.for_user(fk_officer),
    )

    _response, lines = _person_lines(login(coordinator), case.person)

    assert [line.purpose for line in lines] == [
        "Fas: Behovsanalys → Avslutad",
        "Ändrade: AF:s anteckningar",
    ]


def test_a_phase_move_to_introduction_shows_the_phase_labels(case, fk_officer, coordinator, login):
    _record(
        fk_officer,
        case,
        when=_at(7),
        action=AccessLog.Action.UPDATE,
        purpose="fas: needs_analysis → introduction_trial",
    )

    response, lines = _person_lines(login(coordinator), case.person)

    assert lines[0].purpose == "Fas: Behovsanalys → Introduktion och prövning"
    assert "needs_analysis" not in response.content.decode()
