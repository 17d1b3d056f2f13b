"""Lists and search show the caseload; others of the area only one at a time (SPEC §7)."""

import pytest
from django.urls import reverse

from audit.models import AccessLog
from cases.services import case_open
from cases.tests.factories import CaseFactory, PersonFactory
from samverkan.services import AccessContext


@pytest.fixture
def off_caseload(area):
    """A person of the area on nobody's caseload."""
    return PersonFactory(area=area, first_name="Olle", last_name="Utanför")


def test_api_list_holds_only_the_officers_caseload(
    case, person, off_caseload, colleague, fk_officer, login
):
    ids = {p["id"] for p in login(fk_officer).get("/api/v1/persons/").json()["results"]}
    assert ids == {person.pk}
    assert login(colleague).get("/api/v1/persons/").json()["results"] == []
    assert login(colleague).get("/api/v1/cases/").json()["results"] == []


def test_api_list_holds_the_whole_area_for_the_coordinator(
    case, person, off_caseload, coordinator, login
):
    ids = {p["id"] for p in login(coordinator).get("/api/v1/persons/").json()["results"]}
    assert ids == {person.pk, off_caseload.pk}


def test_every_person_in_an_api_list_is_logged_with_person_and_area(
    case, person, area, coordinator, off_caseload, login
):
    login(coordinator).get("/api/v1/persons/")
    entries = AccessLog.objects.filter(action=AccessLog.Action.VIEW, object_type="person")
    assert {(e.person_id, e.area_id) for e in entries} == {
        (person.pk, area.pk),
        (off_caseload.pk, area.pk),
    }


def test_worklist_logs_each_case_shown(case, person, fk_officer, login):
    login(fk_officer).get("/")
    entry = AccessLog.objects.get(action=AccessLog.Action.VIEW)
    assert (
        entry.object_type == "case"
        and entry.person_id == person.pk
        and entry.purpose == "ärendelista"
    )


@pytest.mark.parametrize("query", ["2003042614", "19800101", "1980-01-01-12", "12345678901"])
def test_partial_or_invalid_numbers_are_refused_in_swedish(person, fk_officer, login, query):
    response = login(fk_officer).post(reverse("cases:person_search"), {"q": query})
    assert response.context["results"] is None
    assert "hela personnumret" in response.content.decode()
    assert not AccessLog.objects.filter(action=AccessLog.Action.SEARCH).exists()


def test_one_letter_name_parts_are_refused(person, fk_officer, login):
    response = login(fk_officer).post(reverse("cases:person_search"), {"q": "G"})
    assert response.context["results"] is None
    assert "minst två bokstäver" in response.content.decode()


def test_search_marks_people_outside_the_caseload_and_logs_them_so(
    case, person, off_caseload, fk_officer, login
):
    response = login(fk_officer).post(reverse("cases:person_search"), {"q": "Utanför"})
    assert response.context["results"] == [off_caseload]
    assert "skäl krävs" in response.content.decode()
    entry = AccessLog.objects.get(action=AccessLog.Action.SEARCH)
    assert entry.person_id == off_caseload.pk and entry.outside_caseload is True


def test_denied_access_is_logged_against_the_objects_own_area(case, person, area, outsider, login):
    login(outsider).get(reverse("cases:person_detail", args=[person.pk]))
    entry = AccessLog.objects.get(action=AccessLog.Action.DENIED)
    assert entry.area_id == area.pk and entry.person_id == person.pk and entry.user == outsider


def test_reason_required_is_logged_as_a_refusal_with_the_person(case, person, colleague, login):
    login(colleague).get(reverse("cases:person_detail", args=[person.pk]))
    entry = AccessLog.objects.get(action=AccessLog.Action.DENIED)
    assert entry.person_id == person.pk and entry.outside_caseload is True


def test_api_reason_header_in_utf8_keeps_swedish_letters(case, person, colleague, login):
    reason = "Kontroll av sjukpenningärende för återgång"
    response = login(colleague).get(
        f"/api/v1/persons/{person.pk}/",
        HTTP_X_ACCESS_REASON=reason.encode("utf-8").decode("latin-1"),
    )
    assert response.status_code == 200
    assert AccessLog.objects.get(action=AccessLog.Action.BREAK_GLASS).purpose == reason


@pytest.mark.parametrize("pk", ["%00", "1e3", "99999999999999999999999", "-1"])
def test_malformed_api_ids_give_404_not_500(fk_officer, login, pk):
    assert login(fk_officer).get(f"/api/v1/persons/{pk}/").status_code == 404


def test_anonymous_api_call_is_logged_as_refused(db, client):
    assert client.get("/api/v1/persons/").status_code == 401  # not authenticated (ADR 0012)
    assert AccessLog.objects.filter(action=AccessLog.Action.DENIED, user=None).exists()


def test_case_cannot_be_opened_in_another_area_than_the_persons(person, other_area):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        case_open(person=person, area=other_area, context=AccessContext.system("test"))
    assert "area" in excinfo.value.message_dict


def test_colleague_on_a_team_case_sees_it_in_lists(person, fk_officer, af_officer, login):
    CaseFactory(person=person, fk_officer=fk_officer)
    ids = {c["id"] for c in login(af_officer).get("/api/v1/cases/").json()["results"]}
    assert len(ids) == 1


def test_officer_who_registered_a_person_opens_them_without_a_reason(
    area, fk_officer, colleague, login
):
    from cases.services import person_create
    from cases.tests.factories import make_personnummer

    person = person_create(
        personnummer=make_personnummer(),
        first_name="Nya",
        last_name="Personsson",
        area=area,
        context=AccessContext.for_user(fk_officer),
    )
    assert (
        login(fk_officer).get(reverse("cases:person_detail", args=[person.pk])).status_code == 200
    )
    entry = AccessLog.objects.get(action=AccessLog.Action.VIEW, person_id=person.pk)
    assert entry.purpose == "registrerade personen" and entry.outside_caseload is False
    # a colleague of the area still has to state a reason
    assert login(colleague).get(reverse("cases:person_detail", args=[person.pk])).status_code == 302


def test_protected_identity_outside_the_caseload_shows_only_year_sex_and_area(
    area, fk_officer, login
):
    hidden = PersonFactory(
        area=area, first_name="Hemlig", last_name="Skyddsson", protected_identity=True
    )
    response = login(fk_officer).post(reverse("cases:person_search"), {"q": hidden.personnummer})
    table = response.content.decode().split('data-testid="search-results"')[1]
    assert "Skyddsson" not in table and hidden.personnummer[:8] not in table
    assert str(hidden.birth_date.year) in table and "Skyddad identitet" in table
