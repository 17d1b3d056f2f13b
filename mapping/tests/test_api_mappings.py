"""`/api/v1/mappings/`: joint mappings through the API, with the pages' scoping, access log,
secrecy between the agencies and the decision confirmed by both agencies (SPEC §4, §6, §7)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tokens import api_token_create
from audit.models import AccessLog
from cases.models import Phase
from cases.services import consent_record
from cases.tests.factories import PersonFactory
from mapping import services
from mapping.models import JointMapping
from mapping.tests.factories import JointMappingFactory
from samverkan.services import AccessContext

TODAY = dt.date.today()
NOT_IN_SCOPE = "Finns inte bland de poster du har åtkomst till."
FK_KEYS = {"benefit", "benefit_end_date", "sick_leave_start", "sick_leave_band"}


def _list():
    return reverse("api:mapping-list")


def _detail(mapping):
    return reverse("api:mapping-detail", args=[mapping.pk])


def _post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", **headers)


def _patch(client, url, data, **headers):
    return client.patch(url, data, content_type="application/json", **headers)


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def mapping(person, fk_officer):
    """An open mapping of the team's FK officer, requested 20 days ago, with FK's facts."""
    return JointMappingFactory(
        person=person,
        fk_officer=fk_officer,
        sick_leave_start=TODAY - dt.timedelta(days=120),
        benefit_end_date=TODAY + dt.timedelta(days=200),
    )


@pytest.fixture
def held(mapping, fk_officer):
    """The mapping with its first meeting held ten days ago."""
    services.meeting_create(
        person=mapping.person,
        mapping=mapping,
        kind="avstamningsmote",
        on=TODAY - dt.timedelta(days=10),
        participants=["person", "FK", "AF"],
        context=AccessContext.for_user(fk_officer),
    )
    mapping.refresh_from_db()
    return mapping


# --- reading ----------------------------------------------------------------------------------


def test_officer_lists_the_mappings_of_their_and_their_teams_work(
    login, mapping, fk_officer, af_officer, colleague, coordinator
):
    # given an open mapping handled by the team's FK officer, and one of another person of the
    # area that nobody on the team handles
    other = JointMappingFactory(person=PersonFactory(area=mapping.area))
    # then the officer and the team-mate see theirs, the coordinator the whole area, and an
    # officer outside the team neither
    assert _ids(login(fk_officer).get(_list())) == {mapping.pk}
    assert _ids(login(af_officer).get(_list())) == {mapping.pk}
    assert _ids(login(coordinator).get(_list())) == {mapping.pk, other.pk}
    assert _ids(login(colleague).get(_list())) == set()


def test_detail_shows_the_mapping_and_is_logged(login, mapping, fk_officer):
    response = login(fk_officer).get(_detail(mapping))
    assert response.status_code == 200
    data = response.json()
    assert data["person"] == mapping.person_id
    assert data["area"] == "sdt"
    assert data["sick_leave_band"] == "90_180"
    entry = AccessLog.objects.filter(action=AccessLog.Action.VIEW, object_type="jointmapping")
    assert entry.filter(object_id=str(mapping.pk), person_id=mapping.person_id).exists()


def test_listing_logs_every_mapping_shown(login, mapping, fk_officer):
    login(fk_officer).get(_list())
    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW, object_id=str(mapping.pk), person_id=mapping.person_id
    ).exists()


def test_a_person_outside_the_caseload_needs_a_stated_reason(login, mapping, colleague):
    client = login(colleague)
    # without a reason: refused, and the refusal is logged against the person
    refused = client.get(_detail(mapping))
    assert refused.status_code == 403
    assert "X-Access-Reason" in refused.json()["detail"]
    # with one: shown, and the reason is in the log
    shown = client.get(_detail(mapping), HTTP_X_ACCESS_REASON="Ersätter handläggaren i dag")
    assert shown.status_code == 200
    assert AccessLog.objects.filter(
        action=AccessLog.Action.BREAK_GLASS,
        person_id=mapping.person_id,
        purpose="Ersätter handläggaren i dag",
    ).exists()


def test_outsider_sees_nothing_and_gets_404(login, mapping, outsider):
    client = login(outsider)
    assert _ids(client.get(_list())) == set()
    assert client.get(_detail(mapping)).status_code == 404
    patched = _patch(client, _detail(mapping), {"version": 1, "rough_plan": "x"})
    assert patched.status_code == 404
    assert client.post(reverse("api:mapping-decide", args=[mapping.pk])).status_code == 404
    mapping.refresh_from_db()
    assert mapping.rough_plan == "" and mapping.version == 1
    assert AccessLog.objects.filter(
        action=AccessLog.Action.DENIED, user=outsider, object_id=str(mapping.pk)
    ).exists()


@pytest.mark.parametrize("who", ["management", "analyst"])
def test_roles_without_case_access_see_no_mapping_and_may_not_write(
    login, request, mapping, person, who
):
    client = login(request.getfixturevalue(who))
    listed = client.get(_list())
    assert listed.status_code == 200 and listed.json()["results"] == []
    assert person.last_name not in listed.content.decode()
    assert client.get(_detail(mapping)).status_code == 404
    created = _post(
        client,
        _list(),
        {
            "person": person.pk,
            "initiated_by": "FK",
            "initiation_reason": "x",
            "requested_on": "2026-01-01",
        },
    )
    assert created.status_code == 403
    assert created.json() == {"detail": "Din roll får inte ändra detta."}


def test_token_authentication_reads_the_mappings(client, mapping, fk_officer):
    _token, secret = api_token_create(user=fk_officer, name="Exportjobb")
    response = client.get(_list(), HTTP_AUTHORIZATION=f"Token {secret}")
    assert _ids(response) == {mapping.pk}


# --- secrecy ----------------------------------------------------------------------------------


def test_af_officer_without_consent_gets_no_fk_facts(login, mapping, af_officer):
    data = login(af_officer).get(_detail(mapping)).json()
    assert not FK_KEYS & set(data)
    listed = login(af_officer).get(_list()).json()["results"][0]
    assert not FK_KEYS & set(listed)


def test_consent_to_sharing_shows_fk_facts_to_af(login, mapping, person, af_officer):
    consent_record(
        person=person,
        given_on=TODAY,
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.system("test"),
    )
    data = login(af_officer).get(_detail(mapping)).json()
    assert data["sick_leave_start"] == (TODAY - dt.timedelta(days=120)).isoformat()
    assert data["sick_leave_band"] == "90_180"


def test_the_lists_secrecy_costs_no_query_per_mapping(login, mapping, area, fk_officer, af_officer):
    client = login(af_officer)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(_list()).json()["results"]) == 1
    for _ in range(3):
        JointMappingFactory(person=PersonFactory(area=area), fk_officer=fk_officer)
    with CaptureQueriesContext(connection) as four:
        listed = client.get(_list()).json()["results"]
    assert len(listed) == 4 and not FK_KEYS & set(listed[0])
    assert len(four) == len(one)


def test_af_officer_may_not_record_fk_benefit_facts(login, case, person, af_officer):
    response = _post(
        login(af_officer),
        _list(),
        {
            "person": person.pk,
            "initiated_by": "AF",
            "initiation_reason": "Behöver stöd",
            "requested_on": TODAY.isoformat(),
            "benefit": "sjukpenning",
        },
    )
    assert response.status_code == 400
    assert response.json() == {"benefit": ["Uppgiften registreras av den andra myndigheten."]}
    assert not JointMapping.objects.exists()


def test_af_officer_may_not_change_fk_facts_of_a_mapping(login, mapping, af_officer):
    response = _patch(
        login(af_officer), _detail(mapping), {"version": 1, "sick_leave_start": "2026-01-01"}
    )
    assert response.status_code == 400
    assert list(response.json()) == ["sick_leave_start"]
    mapping.refresh_from_db()
    assert mapping.sick_leave_start == TODAY - dt.timedelta(days=120)


def test_af_officer_cannot_probe_a_hidden_fact_by_sending_its_value(login, mapping, af_officer):
    # Sending the stored value would change nothing; it is refused all the same, or the answer
    # would tell whether the guess was right.
    stored = mapping.sick_leave_start.isoformat()
    response = _patch(
        login(af_officer), _detail(mapping), {"version": 1, "sick_leave_start": stored}
    )
    assert response.status_code == 400
    assert response.json() == {
        "sick_leave_start": ["Uppgiften registreras av den andra myndigheten."]
    }


# --- creating ---------------------------------------------------------------------------------


def test_fk_officer_requests_a_mapping(login, case, person, fk_officer, af_officer):
    response = _post(
        login(fk_officer),
        _list(),
        {
            "person": person.pk,
            "initiated_by": "FK",
            "initiation_reason": "Sjukskriven sedan länge, behöver stöd tillbaka.",
            "requested_on": (TODAY - dt.timedelta(days=3)).isoformat(),
            "fk_officer": fk_officer.pk,
            "af_officer": af_officer.pk,
            "benefit": "sjukpenning",
            "sick_leave_start": (TODAY - dt.timedelta(days=200)).isoformat(),
            "participants": ["FK", "person"],
        },
    )
    assert response.status_code == 201, response.content
    mapping = JointMapping.objects.get()
    assert response.json()["id"] == mapping.pk
    assert (mapping.area, mapping.person, mapping.benefit) == (person.area, person, "sjukpenning")
    assert mapping.participants == ["person", "FK"]
    assert response.json()["sick_leave_band"] == "180_365"
    assert AccessLog.objects.filter(
        action=AccessLog.Action.CREATE, object_id=str(mapping.pk), user=fk_officer
    ).exists()


def test_another_areas_person_is_refused_like_an_unknown_one(login, person, outsider):
    client = login(outsider)
    body = {"initiated_by": "FK", "initiation_reason": "x", "requested_on": TODAY.isoformat()}
    theirs = _post(client, _list(), {**body, "person": person.pk})
    unknown = _post(client, _list(), {**body, "person": 10**12})
    assert theirs.status_code == unknown.status_code == 400
    assert theirs.json() == unknown.json() == {"person": [NOT_IN_SCOPE]}
    assert not JointMapping.objects.exists()
    # the attempt is logged against the person, so their area's coordinator sees it
    assert AccessLog.objects.filter(
        action=AccessLog.Action.DENIED, user=outsider, person_id=person.pk
    ).exists()


def test_another_areas_officer_cannot_be_named(login, person, fk_officer, outsider):
    response = _post(
        login(fk_officer),
        _list(),
        {
            "person": person.pk,
            "initiated_by": "FK",
            "initiation_reason": "x",
            "requested_on": TODAY.isoformat(),
            "fk_officer": outsider.pk,
        },
    )
    assert response.status_code == 400
    assert response.json() == {"fk_officer": [NOT_IN_SCOPE]}


def test_requesting_for_a_person_outside_the_caseload_needs_a_reason(login, person, colleague):
    body = {
        "person": person.pk,
        "initiated_by": "AF",
        "initiation_reason": "Arbetslös, behöver stöd.",
        "requested_on": TODAY.isoformat(),
    }
    assert _post(login(colleague), _list(), body).status_code == 403
    assert not JointMapping.objects.exists()
    created = _post(
        login(colleague), _list(), body, HTTP_X_ACCESS_REASON="Personen kom till kontoret"
    )
    assert created.status_code == 201
    assert AccessLog.objects.filter(
        action=AccessLog.Action.BREAK_GLASS, person_id=person.pk, user=colleague
    ).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"requested_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "requested_on"),
        ({"requested_on": "2026-13-01"}, "requested_on"),
        ({"requested_on": "1850-01-01"}, "requested_on"),
        (
            {"request_received_on": (TODAY - dt.timedelta(days=30)).isoformat()},
            "request_received_on",
        ),
        ({"initiated_by": "KF"}, "initiated_by"),
        ({"initiation_reason": ""}, "initiation_reason"),
        ({"initiation_reason": None}, "initiation_reason"),
        ({"person": "abc"}, "person"),
        ({"person": 2**70}, "person"),
        ({"participants": ["chef"]}, "participants"),
        ({"participants": "FK"}, "participants"),
        ({"benefit": "lön"}, "benefit"),
        ({"benefit_end_date": "9999-01-01"}, "benefit_end_date"),
        ({"decision": "no_action"}, "decision"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(login, case, person, fk_officer, change, field):
    body = {
        "person": person.pk,
        "initiated_by": "FK",
        "initiation_reason": "Behöver stöd",
        "requested_on": (TODAY - dt.timedelta(days=2)).isoformat(),
        "request_received_on": (TODAY - dt.timedelta(days=1)).isoformat(),
        **change,
    }
    response = _post(login(fk_officer), _list(), body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not JointMapping.objects.exists()


def test_missing_fields_are_named(login, fk_officer):
    response = _post(login(fk_officer), _list(), {})
    assert response.status_code == 400
    assert {"person", "initiated_by", "initiation_reason", "requested_on"} <= set(response.json())


def test_a_second_open_mapping_is_refused(login, mapping, fk_officer):
    response = _post(
        login(fk_officer),
        _list(),
        {
            "person": mapping.person_id,
            "initiated_by": "FK",
            "initiation_reason": "x",
            "requested_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Personen har redan en pågående kartläggning."]}


# --- changing ---------------------------------------------------------------------------------


def test_patch_changes_the_facts_and_the_version(login, mapping, fk_officer):
    response = _patch(
        login(fk_officer), _detail(mapping), {"version": 1, "rough_plan": "Arbetsprövning"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    mapping.refresh_from_db()
    assert (mapping.rough_plan, mapping.version) == ("Arbetsprövning", 2)
    assert AccessLog.objects.filter(
        action=AccessLog.Action.UPDATE, object_id=str(mapping.pk), purpose="ändrade: rough_plan"
    ).exists()


def test_stale_version_is_409_and_changes_nothing(login, mapping, fk_officer):
    client = login(fk_officer)
    assert _patch(client, _detail(mapping), {"version": 1, "rough_plan": "A"}).status_code == 200
    stale = _patch(client, _detail(mapping), {"version": 1, "rough_plan": "B"})
    assert stale.status_code == 409
    assert "detail" in stale.json()
    mapping.refresh_from_db()
    assert (mapping.rough_plan, mapping.version) == ("A", 2)


def test_patch_without_version_is_refused(login, mapping, fk_officer):
    response = _patch(login(fk_officer), _detail(mapping), {"rough_plan": "A"})
    assert response.status_code == 400
    assert list(response.json()) == ["version"]
    mapping.refresh_from_db()
    assert mapping.rough_plan == ""


def test_patch_of_a_field_the_operation_does_not_take_is_refused(login, mapping, fk_officer):
    response = _patch(login(fk_officer), _detail(mapping), {"version": 1, "decision": "no_action"})
    assert response.status_code == 400
    assert list(response.json()) == ["decision"]


def test_patch_with_a_business_rule_error_is_400(login, mapping, fk_officer):
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    response = _patch(login(fk_officer), _detail(mapping), {"version": 1, "requested_on": tomorrow})
    assert response.status_code == 400
    assert list(response.json()) == ["requested_on"]


# --- decision and confirmations ---------------------------------------------------------------


def _decide(client, mapping, **fields):
    body = {
        "version": mapping.version,
        "decision": "no_action",
        "decision_reason": "Återgår till arbetsgivaren.",
        "decision_date": (TODAY - dt.timedelta(days=5)).isoformat(),
        **fields,
    }
    return _post(client, reverse("api:mapping-decide", args=[mapping.pk]), body)


def _sign(client, version, mapping):
    return _post(client, reverse("api:mapping-sign", args=[mapping.pk]), {"version": version})


def test_decision_is_confirmed_by_both_agencies_and_ends_the_mapping(
    login, held, fk_officer, af_officer
):
    # when the FK officer records the decision, it is confirmed for FK and waits for AF
    decided = _decide(login(fk_officer), held)
    assert decided.status_code == 200, decided.content
    data = decided.json()
    assert data["decision"] == "no_action" and data["decision_pending"] is True
    assert data["fk_signed_by"] == fk_officer.pk and data["af_signed_by"] is None
    # and when the AF officer confirms, the mapping ends on the decision date
    signed = _sign(login(af_officer), data["version"], held)
    assert signed.status_code == 200, signed.content
    assert signed.json()["ended_on"] == (TODAY - dt.timedelta(days=5)).isoformat()
    held.refresh_from_db()
    assert held.af_signed_by == af_officer and not held.is_open


def test_joint_active_support_opens_the_case_when_both_have_confirmed(
    login, held, fk_officer, af_officer
):
    decided = _decide(
        login(af_officer),
        held,
        decision="joint_active_support",
        case_target_group="sick_unemployed",
        case_phase="referred",
        case_date=(TODAY - dt.timedelta(days=2)).isoformat(),
    )
    assert decided.status_code == 200, decided.content
    signed = _sign(login(fk_officer), decided.json()["version"], held)
    assert signed.status_code == 200, signed.content
    held.refresh_from_db()
    assert signed.json()["case"] == held.case_id
    assert held.case.phase == Phase.REFERRED and held.case.fk_officer == fk_officer


def test_a_decision_needs_a_held_meeting(login, mapping, fk_officer):
    response = _decide(login(fk_officer), mapping)
    assert response.status_code == 400
    assert list(response.json()) == ["decision"]
    mapping.refresh_from_db()
    assert mapping.decision == ""


def test_decision_with_a_stale_version_is_409(login, held, fk_officer):
    response = _decide(login(fk_officer), held, version=held.version - 1)
    assert response.status_code == 409
    held.refresh_from_db()
    assert held.decision == ""


def test_coordinator_may_record_but_not_confirm_the_decision(login, held, coordinator):
    client = login(coordinator)
    decided = _decide(client, held)
    assert decided.status_code == 200
    assert decided.json()["fk_signed_by"] is None and decided.json()["af_signed_by"] is None
    refused = _sign(client, decided.json()["version"], held)
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Beslutet bekräftas av en handläggare")


def test_the_same_agency_cannot_confirm_twice(login, held, fk_officer):
    client = login(fk_officer)
    version = _decide(client, held).json()["version"]
    response = _sign(client, version, held)
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Beslutet är redan bekräftat för din myndighet."]
    }


def test_confirming_with_a_stale_version_is_409(login, held, fk_officer, af_officer):
    version = _decide(login(fk_officer), held).json()["version"]
    response = _sign(login(af_officer), version - 1, held)
    assert response.status_code == 409
    held.refresh_from_db()
    assert held.af_signed_at is None


# --- filters ----------------------------------------------------------------------------------


@pytest.fixture
def two_mappings(area, coordinator):
    """One requested in January 2026 and held in March, one requested in May (not yet held)."""
    held = JointMappingFactory(
        person=PersonFactory(area=area),
        requested_on=dt.date(2026, 1, 10),
        first_meeting_on=dt.date(2026, 3, 5),
        initiated_by="FK",
    )
    waiting = JointMappingFactory(
        person=PersonFactory(area=area), requested_on=dt.date(2026, 5, 2), initiated_by="AF"
    )
    return held, waiting


def test_filter_by_area(login, coordinator, two_mappings):
    client = login(coordinator)
    assert _ids(client.get(_list(), {"area": "sdt"})) == {m.pk for m in two_mappings}
    assert _ids(client.get(_list(), {"area": "ume"})) == set()
    bad = client.get(_list(), {"area": "x y"})
    assert bad.status_code == 400 and "area" in bad.json()


def test_filter_by_period_uses_the_mapping_date(login, coordinator, two_mappings):
    held, waiting = two_mappings
    client = login(coordinator)
    # the held one counts from its first meeting (March), not its request (January)
    assert _ids(client.get(_list(), {"from": "2026-03-01", "to": "2026-03-31"})) == {held.pk}
    assert _ids(client.get(_list(), {"from": "2026-01-01", "to": "2026-01-31"})) == set()
    assert _ids(client.get(_list(), {"from": "2026-05-02"})) == {waiting.pk}
    bad = client.get(_list(), {"from": "2026-02-30"})
    assert bad.status_code == 400 and "from" in bad.json()


def test_filter_by_initiating_agency_and_decision(login, coordinator, two_mappings):
    held, waiting = two_mappings
    held.decision = "no_action"
    held.save()
    client = login(coordinator)
    assert _ids(client.get(_list(), {"initiated_by": "AF"})) == {waiting.pk}
    assert _ids(client.get(_list(), {"decision": "no_action"})) == {held.pk}
    bad = client.get(_list(), {"decision": "yes"})
    assert bad.status_code == 400 and "decision" in bad.json()


def test_filter_by_person(login, coordinator, two_mappings):
    held, _waiting = two_mappings
    assert _ids(login(coordinator).get(_list(), {"person": held.person_id})) == {held.pk}
    assert login(coordinator).get(_list(), {"person": "1.5"}).status_code == 400
