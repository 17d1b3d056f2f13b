"""`/api/v1/plans/`: individual plans through the API. Every save is a new version and no
version is ever changed, so there is no PATCH (SPEC §4, §6, §7)."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.tokens import api_token_create
from audit.models import AccessLog
from cases.models import Case
from cases.tests.factories import CaseFactory, PersonFactory
from mapping import services
from mapping.models import PlanVersion
from samverkan.services import AccessContext

TODAY = dt.date.today()
NOT_IN_SCOPE = "Finns inte bland de poster du har åtkomst till."
LIST = "/api/v1/plans/"
BODY = {"goal": "Arbete inom lager", "activities": "Arbetsprövning två dagar i veckan"}
FIRST = {**BODY, "version": 0}  # a POST body for a case with no plan yet


def _detail(plan):
    return reverse("api:plan-detail", args=[plan.pk])


def _post(client, data, **headers):
    return client.post(LIST, data, content_type="application/json", **headers)


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def plan(case, fk_officer):
    return services.plan_save(case=case, context=AccessContext.for_user(fk_officer), **BODY)


# --- reading ----------------------------------------------------------------------------------


def test_officer_lists_the_plans_of_their_caseload(
    login, plan, area, fk_officer, colleague, coordinator
):
    other = services.plan_save(
        case=CaseFactory(person=PersonFactory(area=area)),
        context=AccessContext.system("test"),
        **BODY,
    )
    assert _ids(login(fk_officer).get(LIST)) == {plan.pk}
    assert _ids(login(colleague).get(LIST)) == set()
    assert _ids(login(coordinator).get(LIST)) == {plan.pk, other.pk}


def test_detail_shows_the_version_and_is_logged(login, plan, case, af_officer):
    response = login(af_officer).get(_detail(plan))
    assert response.status_code == 200
    data = response.json()
    assert (data["case"], data["person"], data["version"]) == (case.pk, case.person_id, 1)
    assert data["goal"] == "Arbete inom lager"
    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW,
        object_type="planversion",
        object_id=str(plan.pk),
        person_id=case.person_id,
    ).exists()


def test_a_person_outside_the_caseload_needs_a_stated_reason(login, plan, colleague):
    client = login(colleague)
    assert client.get(_detail(plan)).status_code == 403
    assert client.get(_detail(plan), HTTP_X_ACCESS_REASON="Granskning av planen").status_code == 200


def test_outsider_sees_nothing_and_gets_404(login, plan, outsider):
    client = login(outsider)
    assert _ids(client.get(LIST)) == set()
    assert client.get(_detail(plan)).status_code == 404


@pytest.mark.parametrize("who", ["management", "analyst"])
def test_roles_without_case_access_see_no_plan_and_may_not_write(login, request, plan, case, who):
    client = login(request.getfixturevalue(who))
    assert client.get(LIST).json()["results"] == []
    assert client.get(_detail(plan)).status_code == 404
    created = _post(client, {"case": case.pk, **BODY})
    assert created.status_code == 403
    assert created.json() == {"detail": "Din roll får inte ändra detta."}


def test_token_authentication_reads_the_plans(client, plan, fk_officer):
    _token, secret = api_token_create(user=fk_officer, name="Exportjobb")
    assert _ids(client.get(LIST, HTTP_AUTHORIZATION=f"Token {secret}")) == {plan.pk}


# --- saving -----------------------------------------------------------------------------------


def test_every_save_is_a_new_version(login, plan, case, af_officer):
    response = _post(
        login(af_officer),
        {
            "case": case.pk,
            "goal": "Utbildning",
            "activities": "Studiebesök",
            "start_date": "2026-01-01",
            "version": 1,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 2
    # the first version is kept as it was
    plan.refresh_from_db()
    assert plan.goal == "Arbete inom lager"
    assert list(case.plan_versions.values_list("version", "goal")) == [
        (2, "Utbildning"),
        (1, "Arbete inom lager"),
    ]
    assert AccessLog.objects.filter(
        action=AccessLog.Action.CREATE, object_type="planversion", user=af_officer
    ).exists()


def test_a_version_saved_since_it_was_read_is_a_409_and_nothing_is_saved(
    login, plan, case, fk_officer, af_officer
):
    # given both officers read version 1, and the FK officer saved version 2 on it
    saved = _post(login(fk_officer), {"case": case.pk, **BODY, "goal": "FK:s mål", "version": 1})
    assert saved.status_code == 201 and saved.json()["version"] == 2

    # when the AF officer saves on version 1 too
    stale = _post(login(af_officer), {"case": case.pk, **BODY, "goal": "AF:s mål", "version": 1})

    # then they are told and version 2 stays the plan in force
    assert stale.status_code == 409
    assert "Någon annan har ändrat" in stale.json()["detail"]
    assert list(case.plan_versions.values_list("version", "goal")) == [
        (2, "FK:s mål"),
        (1, "Arbete inom lager"),
    ]


def test_a_save_without_the_version_read_is_refused(login, plan, case, fk_officer):
    response = _post(login(fk_officer), {"case": case.pk, **BODY, "goal": "Nytt"})
    assert response.status_code == 400
    assert "version" in response.json()
    assert case.plan_versions.count() == 1


def test_version_0_says_the_case_had_no_plan(login, case, fk_officer):
    first = _post(login(fk_officer), {"case": case.pk, **BODY, "version": 0})
    again = _post(login(fk_officer), {"case": case.pk, **BODY, "version": 0})
    assert (first.status_code, again.status_code) == (201, 409)
    assert case.plan_versions.count() == 1


def test_there_is_no_patch(login, plan, fk_officer):
    response = login(fk_officer).patch(
        _detail(plan), {"goal": "Annat"}, content_type="application/json"
    )
    assert response.status_code == 405
    plan.refresh_from_db()
    assert plan.goal == "Arbete inom lager"


def test_another_areas_case_is_refused_like_an_unknown_one(login, case, outsider):
    client = login(outsider)
    theirs = _post(client, {"case": case.pk, **FIRST})
    unknown = _post(client, {"case": 10**12, **FIRST})
    assert theirs.status_code == unknown.status_code == 400
    assert theirs.json() == unknown.json() == {"case": [NOT_IN_SCOPE]}
    assert not PlanVersion.objects.exists()


def test_saving_for_a_person_outside_the_caseload_needs_a_reason(login, case, colleague):
    assert _post(login(colleague), {"case": case.pk, **FIRST}).status_code == 403
    assert not PlanVersion.objects.exists()
    saved = _post(
        login(colleague), {"case": case.pk, **FIRST}, HTTP_X_ACCESS_REASON="Vikarierar i dag"
    )
    assert saved.status_code == 201


def test_a_closed_case_gets_no_new_plan(login, area, fk_officer):
    closed = CaseFactory(
        person=PersonFactory(area=area), fk_officer=fk_officer, phase=Case.Phase.CLOSED
    )
    response = _post(login(fk_officer), {"case": closed.pk, **FIRST})
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Planen kan inte ändras i ett avslutat ärende."]
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"goal": "  "}, "goal"),
        ({"activities": None}, "activities"),
        ({"case": "första"}, "case"),
        ({"start_date": "2026-05-01", "end_date": "2026-04-01"}, "end_date"),
        ({"start_date": "1066-10-14"}, "start_date"),
        ({"end_date": "31/12/2026"}, "end_date"),
        ({"version": -1}, "version"),
        ({"version": "tre"}, "version"),
        ({"version": None}, "version"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(login, case, fk_officer, change, field):
    response = _post(login(fk_officer), {"case": case.pk, **FIRST, **change})
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not PlanVersion.objects.exists()


# --- filters ----------------------------------------------------------------------------------


@pytest.fixture
def plans(area, case):
    """The team's case (needs analysis, sick and unemployed) with a plan saved in January, and
    a case in introduction and trial (exhausted insurance) with one saved in March."""
    first = services.plan_save(case=case, context=AccessContext.system("test"), **BODY)
    other_case = CaseFactory(
        person=PersonFactory(area=area),
        phase=Case.Phase.INTRODUCTION_TRIAL,
        target_group="exhausted_insurance",
    )
    second = services.plan_save(case=other_case, context=AccessContext.system("test"), **BODY)
    PlanVersion.objects.filter(pk=first.pk).update(
        created_at=dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)
    )
    PlanVersion.objects.filter(pk=second.pk).update(
        created_at=dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC)
    )
    case.target_group = "sick_unemployed"
    case.save()
    return first, second


def test_filter_by_area_and_case(login, coordinator, case, plans):
    client = login(coordinator)
    assert _ids(client.get(LIST, {"area": "sdt"})) == {p.pk for p in plans}
    assert _ids(client.get(LIST, {"area": "ume"})) == set()
    assert _ids(client.get(LIST, {"case": case.pk})) == {plans[0].pk}


def test_filter_by_period_of_saving(login, coordinator, plans):
    client = login(coordinator)
    assert _ids(client.get(LIST, {"from": "2026-02-01"})) == {plans[1].pk}
    assert _ids(client.get(LIST, {"to": "2026-01-15"})) == {plans[0].pk}
    assert client.get(LIST, {"from": "1 feb"}).status_code == 400


def test_filter_by_phase_and_target_group(login, coordinator, plans):
    client = login(coordinator)
    assert _ids(client.get(LIST, {"phase": "introduction_trial"})) == {plans[1].pk}
    assert _ids(client.get(LIST, {"target_group": "sick_unemployed"})) == {plans[0].pk}
    bad = client.get(LIST, {"target_group": "alla"})
    assert bad.status_code == 400 and "target_group" in bad.json()
