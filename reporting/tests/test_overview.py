"""The areas table of the statistics page (/statistik/): open and closed cases per area the user
may see, each area linking to its dashboard; aggregates only, small cells suppressed (SPEC §5,
§7). The dashboard itself: test_dashboard.py and test_dashboard_suppression.py."""

from django.urls import reverse

from cases.models import Case
from cases.tests.factories import CaseFactory, PersonFactory

URL = reverse("reporting:overview")


def _rows(response):
    """{area name: [open, closed]} as the page shows them."""
    table = response.context["area_table"]
    return {row.header.text: [cell.text for cell in row.cells] for row in table.rows}


def _cases(area, n, phase=Case.Phase.NEEDS_ANALYSIS):
    for _ in range(n):
        CaseFactory(person=PersonFactory(area=area), phase=phase)


def test_management_sees_only_its_own_area(area, other_area, management, login):
    _cases(area, 6)
    _cases(other_area, 7)
    response = login(management).get(URL)
    assert _rows(response) == {"Södertörn": ["6", "0"]}
    assert response.context["board"].area == area


def test_analyst_sees_every_area_each_linking_to_its_dashboard(area, other_area, analyst, login):
    _cases(area, 5)
    _cases(other_area, 8)
    response = login(analyst).get(URL)
    assert _rows(response) == {"Södertörn": ["5", "0"], "Umeå": ["8", "0"]}
    body = response.content.decode()
    assert f'href="{URL}?omrade={area.code}"' in body
    assert f'href="{URL}?omrade={other_area.code}"' in body


def test_cells_under_five_are_suppressed_for_roles_without_case_access(area, management, login):
    _cases(area, 4)
    _cases(area, 5, phase=Case.Phase.CLOSED)
    response = login(management).get(URL)
    assert _rows(response)["Södertörn"] == ["<5", "5"]
    assert "&lt;5" in response.content.decode()


def test_officers_see_exact_small_counts_of_their_area(area, fk_officer, login):
    _cases(area, 3)
    assert _rows(login(fk_officer).get(URL))["Södertörn"] == ["3", "0"]


def test_an_officer_of_another_area_sees_nothing_of_this_one(area, outsider, login):
    _cases(area, 6)
    response = login(outsider).get(URL)
    assert "Södertörn" not in _rows(response)
    assert login(outsider).get(URL, {"omrade": area.code}).status_code == 404


def test_a_user_without_any_area_sees_an_empty_page(area, login):
    from accounts.tests.factories import staff

    admin = staff("sysadmin", username="sysadmin")
    response = login(admin).get(URL)
    assert response.status_code == 200
    assert response.context["board"] is None and _rows(response) == {}


def test_overview_holds_no_personal_data(area, management, login):
    person = PersonFactory(area=area, last_name="Unikasson")
    CaseFactory(person=person)
    body = login(management).get(URL).content.decode()
    assert "Unikasson" not in body and person.personnummer[:8] not in body
