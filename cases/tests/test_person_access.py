"""Opening a person: caseload, team, coordinator, break-the-glass and outsiders (SPEC §7).

Pages and API share cases.access, so both are checked here: who may open a person without a
reason, who must state one first, who gets 404, and what each access writes to the log."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AccessLog
from cases.tests.factories import CaseFactory, PersonFactory

REASON = "Uppföljning av gemensamt möte med arbetsgivaren"
API_REASON = "Kontroll av felaktig registrering"


def _views():
    return AccessLog.objects.filter(action=AccessLog.Action.VIEW)


def _person_url(person):
    return reverse("cases:person_detail", args=[person.pk])


def _reason_url(person):
    return reverse("cases:person_reason", args=[person.pk])


def _break_glass(client, person, reason=REASON):
    response = client.post(_reason_url(person), {"reason": reason})
    assert response.status_code == 302
    return response


@pytest.fixture
def solo_case(person, fk_officer):
    """A case with only the FK officer on it: the AF officer sees it as the team's."""
    return CaseFactory(person=person, fk_officer=fk_officer)


# --- without a reason -------------------------------------------------------------------------


def test_officer_opens_person_on_own_caseload_and_the_view_is_logged(
    case, person, fk_officer, area, login
):
    response = login(fk_officer).get(_person_url(person))

    assert response.status_code == 200
    assert person.formatted_personnummer in response.content.decode()
    entry = _views().get()
    assert entry.object_type == "person"
    assert entry.object_id == str(person.pk)
    assert entry.person_id == person.pk
    assert entry.area_id == area.pk
    assert entry.purpose == "eget ärendebestånd"
    assert entry.outside_caseload is False
    assert entry.user == fk_officer and entry.username == "fk.sdt"
    assert entry.path == _person_url(person)
    assert entry.ip_address == "127.0.0.1"
    entry.refresh_from_db()
    assert entry.occurred_at.tzinfo is not None
    assert entry.occurred_at.utcoffset() == dt.timedelta(0)


def test_team_mate_opens_person_on_team_caseload(solo_case, person, af_officer, login):
    response = login(af_officer).get(_person_url(person))

    assert response.status_code == 200
    entry = _views().get()
    assert entry.user == af_officer
    assert entry.purpose == "teamets ärendebestånd"
    assert entry.outside_caseload is False


def test_coordinator_opens_any_person_of_the_area_without_a_reason(person, coordinator, login):
    # the person has no case at all: only the coordinator's area-wide role lets them in
    response = login(coordinator).get(_person_url(person))

    assert response.status_code == 200
    entry = _views().get()
    assert entry.user == coordinator
    assert entry.purpose == "samordnare för området"
    assert entry.outside_caseload is False


@pytest.mark.parametrize(("days_ago", "needs_reason"), [(5, False), (31, True)])
def test_ended_case_stays_on_the_caseload_for_thirty_days(
    days_ago, needs_reason, person, fk_officer, login
):
    today = dt.date.today()
    CaseFactory(
        person=person,
        fk_officer=fk_officer,
        phase="closed",
        start_date=today - dt.timedelta(days=200),
        end_date=today - dt.timedelta(days=days_ago),
    )

    response = login(fk_officer).get(_person_url(person))

    if needs_reason:
        assert response.status_code == 302
        assert response["Location"] == _reason_url(person)
    else:
        assert response.status_code == 200
        assert _views().get().purpose == "eget ärendebestånd"


# --- break the glass --------------------------------------------------------------------------


def test_colleague_outside_caseload_is_sent_to_the_reason_page_without_a_view_entry(
    case, person, colleague, login
):
    response = login(colleague).get(_person_url(person))

    assert response.status_code == 302
    assert response["Location"] == _reason_url(person)
    assert not _views().exists()
    assert not AccessLog.objects.filter(action=AccessLog.Action.BREAK_GLASS).exists()


def test_reason_page_shows_neither_name_nor_personnummer(case, person, colleague, login):
    response = login(colleague).get(_reason_url(person))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ange skäl för åtkomst" in html
    assert person.first_name not in html and person.last_name not in html
    assert person.personnummer not in html
    assert person.formatted_personnummer not in html


def test_too_short_reason_is_refused_in_swedish_and_grants_nothing(case, person, colleague, login):
    client = login(colleague)

    response = client.post(_reason_url(person), {"reason": "   kolla   "})

    assert response.status_code == 200
    assert "Skriv ett skäl på minst 10 tecken." in response.content.decode()
    assert not AccessLog.objects.filter(action=AccessLog.Action.BREAK_GLASS).exists()
    # and the person is still closed
    assert client.get(_person_url(person))["Location"] == _reason_url(person)
    assert not _views().exists()


def test_stated_reason_is_logged_and_then_opens_the_person(case, person, colleague, area, login):
    client = login(colleague)

    # when the colleague states a reason
    response = _break_glass(client, person)

    # then the reason is in the log and the person page opens
    assert response["Location"] == _person_url(person)
    grant = AccessLog.objects.get(action=AccessLog.Action.BREAK_GLASS)
    assert grant.user == colleague
    assert grant.purpose == REASON
    assert grant.person_id == person.pk and grant.area_id == area.pk
    assert grant.outside_caseload is True

    page = client.get(_person_url(person))
    assert page.status_code == 200
    assert person.formatted_personnummer in page.content.decode()
    view = _views().get()
    assert view.user == colleague
    assert view.outside_caseload is True
    assert REASON in view.purpose


def test_every_access_under_a_stated_reason_is_logged_with_it(case, person, colleague, login):
    client = login(colleague)
    _break_glass(client, person)

    client.get(_person_url(person))
    client.get(_person_url(person))

    views = list(_views())
    assert len(views) == 2
    assert all(v.outside_caseload and REASON in v.purpose for v in views)
    assert AccessLog.objects.filter(action=AccessLog.Action.BREAK_GLASS).count() == 1


def test_reason_for_one_person_does_not_open_another(case, person, colleague, area, login):
    other = PersonFactory(area=area)
    CaseFactory(person=other, fk_officer=case.fk_officer)
    client = login(colleague)
    _break_glass(client, person)

    response = client.get(_person_url(other))

    assert response.status_code == 302
    assert response["Location"] == _reason_url(other)


def test_stated_reason_expires_after_break_glass_valid_seconds(
    case, person, colleague, login, settings, time_machine
):
    # a validity shorter than the 30-minute idle timeout, so the session itself stays alive
    settings.BREAK_GLASS_VALID_SECONDS = 20 * 60
    time_machine.move_to(dt.datetime.now(dt.UTC), tick=False)
    client = login(colleague)
    _break_glass(client, person)

    time_machine.shift(20 * 60 - 1)
    assert client.get(_person_url(person)).status_code == 200

    time_machine.shift(2)
    expired = client.get(_person_url(person))
    assert expired.status_code == 302
    assert expired["Location"] == _reason_url(person)
    assert _views().count() == 1


def test_colleague_needs_a_reason_for_case_detail_too(case, person, colleague, login):
    client = login(colleague)
    case_url = reverse("cases:case_detail", args=[case.pk])

    before = client.get(case_url)

    assert before.status_code == 302
    assert before["Location"] == f"{_reason_url(person)}?next={case_url.replace('/', '%2F')}"
    assert not _views().exists()

    # the reason form sends the officer back to the case they wanted
    back = client.post(_reason_url(person), {"reason": REASON, "next": case_url})
    assert back["Location"] == case_url
    after = client.get(case_url)

    assert after.status_code == 200
    view = _views().get()
    assert view.object_type == "case" and view.object_id == str(case.pk)
    assert view.person_id == person.pk
    assert view.outside_caseload is True and REASON in view.purpose


def test_officer_opens_case_on_own_caseload_without_reason(case, fk_officer, login):
    response = login(fk_officer).get(reverse("cases:case_detail", args=[case.pk]))

    assert response.status_code == 200
    view = _views().get()
    assert view.object_type == "case" and view.purpose == "eget ärendebestånd"


# --- no access at all -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "object_type"),
    [
        ("cases:person_detail", "person"),
        ("cases:person_reason", "person"),
        ("cases:case_detail", "case"),
    ],
)
def test_outsider_gets_404_and_the_attempt_is_logged_as_denied(
    url_name, object_type, case, outsider, login
):
    pk = case.person_id if object_type == "person" else case.pk

    response = login(outsider).get(reverse(url_name, args=[pk]))

    assert response.status_code == 404
    denied = AccessLog.objects.get(action=AccessLog.Action.DENIED)
    assert denied.user == outsider
    assert denied.object_type == object_type and denied.object_id == str(pk)
    assert not _views().exists()


def test_outsider_cannot_break_the_glass_into_another_area(case, person, outsider, login):
    response = login(outsider).post(_reason_url(person), {"reason": REASON})

    assert response.status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.BREAK_GLASS).exists()


def test_nonexistent_person_gives_404_and_is_logged_as_denied(fk_officer, login):
    response = login(fk_officer).get(reverse("cases:person_detail", args=[987654]))

    assert response.status_code == 404
    denied = AccessLog.objects.get(action=AccessLog.Action.DENIED)
    assert denied.object_type == "person" and denied.object_id == "987654"


@pytest.mark.parametrize("role", ["management", "analyst"])
@pytest.mark.parametrize("url_name", ["cases:person_detail", "cases:person_reason"])
def test_roles_without_case_access_get_404_on_person_pages(
    role, url_name, case, person, login, request
):
    user = request.getfixturevalue(role)

    response = login(user).get(reverse(url_name, args=[person.pk]))

    assert response.status_code == 404
    assert AccessLog.objects.filter(action=AccessLog.Action.DENIED, user=user).exists()
    assert not _views().exists()


# --- the API ----------------------------------------------------------------------------------


def _api_detail(person):
    return reverse("api:person-detail", args=[person.pk])


def test_api_person_list_shows_masked_numbers_and_is_logged(case, person, fk_officer, login):
    response = login(fk_officer).get(reverse("api:person-list"))

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [person.pk]
    assert rows[0]["personnummer"] == f"{person.personnummer[:8]}-****"
    assert rows[0]["personnummer"].endswith("-****")
    assert person.personnummer not in response.content.decode()
    entry = _views().get()
    assert entry.user == fk_officer and entry.object_type == "person"


def test_api_person_detail_on_own_caseload_is_logged(case, person, fk_officer, login):
    response = login(fk_officer).get(_api_detail(person))

    assert response.status_code == 200
    assert response.json()["personnummer"] == person.personnummer
    entry = _views().get()
    assert entry.person_id == person.pk and entry.purpose == "eget ärendebestånd"


def test_api_colleague_gets_403_without_reason_header(case, person, colleague, login):
    response = login(colleague).get(_api_detail(person))

    assert response.status_code == 403
    assert "X-Access-Reason" in response.json()["detail"]
    assert not _views().exists()
    assert not AccessLog.objects.filter(action=AccessLog.Action.BREAK_GLASS).exists()


def test_api_colleague_gets_403_with_a_too_short_reason(case, person, colleague, login):
    response = login(colleague).get(_api_detail(person), HTTP_X_ACCESS_REASON="kolla")

    assert response.status_code == 403
    assert not AccessLog.objects.filter(action=AccessLog.Action.BREAK_GLASS).exists()


def test_api_colleague_with_reason_header_gets_the_person_and_it_is_logged(
    case, person, colleague, login
):
    response = login(colleague).get(_api_detail(person), HTTP_X_ACCESS_REASON=API_REASON)

    assert response.status_code == 200
    assert response.json()["personnummer"] == person.personnummer
    grant = AccessLog.objects.get(action=AccessLog.Action.BREAK_GLASS)
    assert grant.user == colleague and grant.purpose == API_REASON
    assert grant.person_id == person.pk and grant.outside_caseload is True
    view = _views().get()
    assert view.outside_caseload is True and API_REASON in view.purpose


def test_api_outsider_gets_404_on_detail_and_an_empty_list(case, person, outsider, login):
    client = login(outsider)

    detail = client.get(_api_detail(person), HTTP_X_ACCESS_REASON=API_REASON)
    listing = client.get(reverse("api:person-list"))

    assert detail.status_code == 404
    denied = AccessLog.objects.get(action=AccessLog.Action.DENIED)
    assert denied.user == outsider and denied.object_id == str(person.pk)
    assert listing.status_code == 200
    assert listing.json()["count"] == 0 and listing.json()["results"] == []
    assert not AccessLog.objects.filter(action=AccessLog.Action.BREAK_GLASS).exists()
