"""The statistics overview: aggregates only, scoped, small cells suppressed (SPEC §5, §7)."""

from django.urls import reverse

from cases.models import Case
from cases.tests.factories import CaseFactory, PersonFactory


def _rows(response):
    return {row["area"].code: row for row in response.context["rows"]}


def _cases(area, n, phase=Case.Phase.NEEDS_ANALYSIS):
    for _ in range(n):
        CaseFactory(person=PersonFactory(area=area), phase=phase)


def test_management_sees_only_its_own_area(area, other_area, management, login):
    _cases(area, 6)
    _cases(other_area, 7)
    rows = _rows(login(management).get(reverse("reporting:overview")))
    assert set(rows) == {area.code}
    assert rows[area.code]["open"] == 6


def test_analyst_sees_every_area(area, other_area, analyst, login):
    _cases(area, 5)
    _cases(other_area, 8)
    rows = _rows(login(analyst).get(reverse("reporting:overview")))
    assert rows[area.code]["open"] == 5 and rows[other_area.code]["open"] == 8


def test_cells_under_five_are_suppressed_for_roles_without_case_access(area, management, login):
    _cases(area, 4)
    _cases(area, 5, phase=Case.Phase.CLOSED)
    response = login(management).get(reverse("reporting:overview"))
    row = _rows(response)[area.code]
    assert row["open"] is None and row["closed"] == 5
    assert "&lt;5" in response.content.decode()


def test_officers_see_exact_small_counts_of_their_area(area, fk_officer, login):
    _cases(area, 3)
    assert _rows(login(fk_officer).get(reverse("reporting:overview")))[area.code]["open"] == 3


def test_overview_holds_no_personal_data(area, management, login):
    person = PersonFactory(area=area, last_name="Unikasson")
    CaseFactory(person=person)
    body = login(management).get(reverse("reporting:overview")).content.decode()
    assert "Unikasson" not in body and person.personnummer[:8] not in body
