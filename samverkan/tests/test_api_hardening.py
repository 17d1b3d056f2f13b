"""Findings of the API review, each pinned: the API answers JSON only (no browsable HTML pages
that drew forms past the secrecy filter and selects of every person in the area), text that
is no Unicode is a 400, a break-the-glass grant belongs to its user, a reason stated up front
logs no refusal, a case list's secrecy costs no query per row, and registering a person who
exists in another area is logged for that area."""

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import staff
from accounts.tokens import api_token_create
from audit.models import AccessLog
from cases.tests.factories import CaseFactory, PersonFactory
from samverkan.services import AccessContext

REASON = "Uppföljning efter samtal med deltagaren"


def _token_client(user, **kwargs):
    _token, secret = api_token_create(user=user, name="Test")
    return Client(headers={"Authorization": f"Token {secret}"}, **kwargs)


def test_html_is_not_offered_so_no_form_shows_fk_facts_to_af(login, af_officer, fk_officer, area):
    # given a case with FK's benefit facts and no consent to share
    case = _case(area, fk_officer, af_officer, benefit="sjukersattning", fk_notes="HEMLIG")
    client = login(af_officer)
    url = reverse("api:case-detail", args=[case.pk])
    # when the AF officer asks for the browsable page, either way
    as_html = client.get(url, headers={"Accept": "text/html"})
    as_api = client.get(url + "?format=api")
    # then: JSON (or a refusal), never HTML, never FK's facts
    assert as_html["Content-Type"].startswith("application/json")
    assert as_api.status_code == 404
    for response in (as_html, as_api):
        body = response.content.decode()
        assert "HEMLIG" not in body and "sjukersattning" not in body


def test_a_lone_surrogate_in_the_body_is_a_400(login, fk_officer, case):
    response = login(fk_officer).patch(
        reverse("api:case-detail", args=[case.pk]),
        '{"version": 1, "target_group": "\\ud800"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Texten innehåller ogiltiga tecken."}


def test_a_grant_with_one_token_does_not_open_the_person_for_another_user(
    fk_officer, colleague, area
):
    # given a person of the area on nobody's caseload, opened by one user with a reason
    person = PersonFactory(area=area)
    url = reverse("api:person-detail", args=[person.pk])
    first = _token_client(colleague)
    assert first.get(url, headers={"X-Access-Reason": REASON}).status_code == 200
    cookie = first.cookies["sessionid"].value
    # when another user's token is sent with the first one's session cookie and no reason
    second = _token_client(staff("af_officer", areas=[area], username="af3.sdt"))
    second.cookies["sessionid"] = cookie
    # then the reason does not carry over
    assert second.get(url).status_code == 403


def test_a_reason_stated_up_front_logs_no_refusal(colleague, area):
    person = PersonFactory(area=area)
    response = _token_client(colleague).get(
        reverse("api:person-detail", args=[person.pk]), headers={"X-Access-Reason": REASON}
    )
    assert response.status_code == 200
    actions = list(
        AccessLog.objects.filter(object_type="person", object_id=str(person.pk)).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted([AccessLog.Action.BREAK_GLASS, AccessLog.Action.VIEW])


def _list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("api:case-list"), {"page_size": 100})
    assert response.status_code == 200
    return len(response.json()["results"]), len(queries)


def _case(area, fk_officer, af_officer, **fields):
    return CaseFactory(
        person=PersonFactory(area=area), fk_officer=fk_officer, af_officer=af_officer, **fields
    )


def test_the_case_list_costs_the_same_queries_for_3_or_23_cases(
    login, fk_officer, af_officer, area
):
    client = login(af_officer)
    for _ in range(3):
        _case(area, fk_officer, af_officer)
    few, few_queries = _list_queries(client)
    for _ in range(20):
        _case(area, fk_officer, af_officer)
    many, many_queries = _list_queries(client)
    assert (few, many) == (3, 23)
    assert many_queries == few_queries


def test_secrecy_in_the_list_follows_consent(login, fk_officer, af_officer, area):
    from cases.services import consent_confirm, consent_record

    hidden = _case(area, fk_officer, af_officer, benefit="sjukersattning")
    shared = _case(area, fk_officer, af_officer, benefit="sjukersattning")
    consent = consent_record(
        person=shared.person,
        given_on=dt.date.today() - dt.timedelta(days=1),
        basis="written",
        covers_sharing=True,
        covers_follow_up=True,
        context=AccessContext.for_user(fk_officer),
    )
    # Recorded by FK, the consent opens FK's details once AF has confirmed it too.
    consent_confirm(consent=consent, context=AccessContext.for_user(af_officer))
    rows = {
        row["id"]: row for row in login(af_officer).get(reverse("api:case-list")).json()["results"]
    }
    assert "benefit" not in rows[hidden.pk]
    assert rows[shared.pk]["benefit"] == "sjukersattning"


def test_registering_a_person_of_another_area_is_logged_for_that_area(outsider, other_area, area):
    existing = PersonFactory(area=area)
    response = _token_client(outsider).post(
        reverse("api:person-list"),
        {
            "personnummer": existing.personnummer,
            "first_name": "A",
            "last_name": "B",
            "area": other_area.code,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    refusal = AccessLog.objects.get(action=AccessLog.Action.DENIED, object_id=str(existing.pk))
    assert refusal.area_id == area.pk
    assert refusal.user == outsider
