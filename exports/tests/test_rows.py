"""What the rows hold: the participant's course, situations and status on day 365, the
interventions and mappings, the secrecy between the agencies (SPEC §7), anonymous participants
(SPEC §3) and the keyed pseudonym."""

import datetime as dt

import pytest

from cases.models import Case, Situation, StatusCode, StatusEntry
from cases.services import consent_record
from cases.tests.factories import CaseFactory, PersonFactory
from mapping.tests.factories import InterventionFactory, JointMappingFactory
from samverkan.services import AccessContext

from .conftest import crowd, json_rows, record_key

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def export(client, kind="participants", **params):
    response = client.get(f"/api/v1/exports/{kind}/", {"format": "json", **params})
    assert response.status_code == 200
    return json_rows(response)


def row_of(rows, key, value):
    [row] = [row for row in rows if row[key] == value]
    return row


def with_fk_facts(case):
    Case.objects.filter(pk=case.pk).update(
        benefit="sjukpenning",
        benefit_end_date=dt.date(2027, 3, 1),
        sick_leave_start=dt.date(2025, 9, 1),
        fk_notes="Läkarintyg",
        af_notes="Lager",
    )
    return case


def follow_up_consent(person, given_on=None, sharing=False):
    return consent_record(
        person=person,
        given_on=given_on or TODAY - dt.timedelta(days=500),
        covers_sharing=sharing,
        covers_follow_up=True,
        context=AccessContext.system("test"),
    )


# --- participants -------------------------------------------------------------------------------


def test_a_participant_row_holds_the_course_background_and_situations(
    case, person, coordinator, login
):
    # given a case with its background, and the situation recorded at start
    person.born_abroad = True
    person.education_level = "gymnasial"
    person.disability = False
    person.save()
    Case.objects.filter(pk=case.pk).update(target_group="sick_unemployed")
    Situation.objects.create(
        case=case,
        moment="start",
        registered_with_af=True,
        employed=True,
        employer_orgnr="5566778899",
        working="subsidised",
        work_share_percent=50,
        studying=False,
        public_support_months=14,
    )

    row = row_of(export(login(coordinator)), "case_id", case.pk)

    assert row["personnummer"] == person.personnummer
    assert (row["first_name"], row["last_name"]) == ("Greta", "Testsson")
    assert row["birth_date"] == person.birth_date.isoformat()
    assert row["birth_year"] == person.birth_date.year
    assert row["age_at_start"] == person.age_on(case.start_date)
    assert row["sex"] == person.sex
    assert row["area_code"] == "sdt"
    assert row["target_group"] == "sick_unemployed"
    assert row["start_date"] == case.start_date.isoformat()
    assert row["referral_date"] == case.referral_date.isoformat()
    assert row["phase"] == "needs_analysis"
    assert (row["born_abroad"], row["education_level"], row["disability"]) == (
        True,
        "gymnasial",
        False,
    )
    assert row["start_employed"] is True
    assert row["start_employer_orgnr"] == "5566778899"
    assert row["start_working"] == "subsidised"
    assert row["start_work_share_percent"] == 50
    assert row["start_public_support_months"] == 14
    # no situation at end recorded yet
    assert row["end_employed"] is None and row["end_working"] is None
    # day 365 has not come
    assert row["day_365"] == (case.start_date + dt.timedelta(days=365)).isoformat()
    assert row["status_day_365"] is None and row["outcome_counted"] is None


def test_status_day_365_is_the_latest_entry_on_or_before_that_day(person, coordinator, login):
    # given a case that started 400 days ago, with status entries before and after day 365
    start = TODAY - dt.timedelta(days=400)
    case = CaseFactory(person=person, start_date=start)
    for offset, code in [(100, "openly_unemployed"), (300, "work_subsidised"), (380, "education")]:
        StatusEntry.objects.create(
            person=person,
            date=start + dt.timedelta(days=offset),
            code=StatusCode.objects.get(code=code),
        )
    follow_up_consent(person, given_on=start)

    row = row_of(export(login(coordinator)), "case_id", case.pk)

    assert row["day_365"] == (start + dt.timedelta(days=365)).isoformat()
    assert row["status_day_365"] == "work_subsidised"
    assert row["outcome_counted"] is True


def test_without_consent_to_follow_up_on_day_365_the_outcome_is_not_counted(
    person, coordinator, login
):
    start = TODAY - dt.timedelta(days=400)
    case = CaseFactory(person=person, start_date=start)
    # consent given only after day 365
    follow_up_consent(person, given_on=TODAY - dt.timedelta(days=10))

    row = row_of(export(login(coordinator)), "case_id", case.pk)

    assert row["status_day_365"] == "other"  # no status entry at all
    assert row["outcome_counted"] is False


# --- secrecy between the agencies (SPEC §7) -------------------------------------------------


def test_fk_staff_export_fks_benefit_facts(case, fk_officer, login):
    with_fk_facts(case)
    row = row_of(export(login(fk_officer)), "case_id", case.pk)
    assert row["benefit"] == "sjukpenning"
    assert row["benefit_end_date"] == "2027-03-01"
    assert row["sick_leave_start"] == "2025-09-01"
    assert row["fk_facts_hidden"] is False


def test_af_staff_get_no_fk_benefit_facts_without_consent(case, af_officer, login):
    with_fk_facts(case)
    row = row_of(export(login(af_officer)), "case_id", case.pk)
    assert (row["benefit"], row["benefit_end_date"], row["sick_leave_start"]) == (None,) * 3
    assert row["fk_facts_hidden"] is True


def test_af_staff_get_fks_benefit_facts_while_consent_covers_sharing(
    case, person, af_officer, login
):
    with_fk_facts(case)
    consent_record(
        person=person,
        given_on=TODAY,
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.system("test"),
    )

    row = row_of(export(login(af_officer)), "case_id", case.pk)

    assert row["benefit"] == "sjukpenning"
    assert row["fk_facts_hidden"] is False


def test_a_withdrawn_consent_hides_the_facts_again(case, person, af_officer, login):
    with_fk_facts(case)
    consent = consent_record(
        person=person,
        given_on=TODAY - dt.timedelta(days=30),
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.system("test"),
    )
    consent.withdrawn_on = TODAY
    consent.save()

    row = row_of(export(login(af_officer)), "case_id", case.pk)

    assert row["benefit"] is None and row["fk_facts_hidden"] is True


def test_staff_of_neither_agency_get_no_fk_facts_without_consent(case, coordinator, login):
    coordinator.staff_profile.agency = None
    coordinator.staff_profile.save()

    with_fk_facts(case)
    row = row_of(export(login(coordinator)), "case_id", case.pk)

    assert row["benefit"] is None and row["fk_facts_hidden"] is True


def coarsened(client, kind="participants", **params):
    """(rows, response) of a coarsened export."""
    response = client.get(f"/api/v1/exports/{kind}/", {"format": "json", **params})
    assert response.status_code == 200
    return json_rows(response), response


def test_a_coarsened_export_acts_for_no_agency(case, person, export_client, login):
    # the export job's profile says FK (accounts.tests.factories.staff), but a coarsened
    # export leaves FK's facts out unless the person shares, as for staff of neither agency
    assert export_client.staff_profile.agency.code == "FK"
    with_fk_facts(case)
    follow_up_consent(person)
    crowd(person)

    rows, response = coarsened(login(export_client))
    row = row_of(rows, "case_id", record_key(response, "case", case.pk))
    assert row["benefit"] is None and row["fk_facts_hidden"] is True

    consent_record(
        person=person,
        given_on=TODAY,
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.system("test"),
    )
    rows, response = coarsened(login(export_client))
    row = row_of(rows, "case_id", record_key(response, "case", case.pk))
    assert row["benefit"] == "sjukpenning" and row["fk_facts_hidden"] is False
    # a date leaves only as its month
    assert row["benefit_end_date"] == "2027-03" and row["sick_leave_start"] == "2025-09"


def test_af_staff_get_no_fk_facts_of_a_mapping_without_consent(person, af_officer, login):
    JointMappingFactory(
        person=person,
        af_officer=af_officer,
        sick_leave_start=dt.date(2025, 9, 1),
        first_meeting_on=dt.date(2026, 1, 15),
    )
    [row] = export(login(af_officer), "mappings")
    assert (row["benefit"], row["sick_leave_start"], row["sick_leave_band"]) == (None,) * 3
    assert row["fk_facts_hidden"] is True


# --- coarsened exports and anonymous participants (SPEC §3, §6) ------------------------------


def test_a_coarsened_row_has_no_identity_no_day_and_no_birth_year(
    case, person, export_client, login
):
    follow_up_consent(person)
    crowd(person)
    Situation.objects.create(case=case, moment="start", employer_orgnr="5566778899")

    rows, response = coarsened(login(export_client))
    row = row_of(rows, "case_id", record_key(response, "case", case.pk))

    assert not {"personnummer", "first_name", "last_name", "birth_date"} & set(row)
    assert not {"birth_year", "age_at_start", "start_employer_orgnr"} & set(row)
    assert row["age_band"] in {"18_24", "25_34", "35_44", "45_54", "55_64", "65_plus"}
    assert row["start_date"] == f"{case.start_date:%Y-%m}"
    assert row["referral_date"] == f"{case.referral_date:%Y-%m}"
    assert len(row["person_key"]) == 20 and len(row["case_id"]) == 20
    assert str(case.pk) != row["case_id"]
    assert row["anonymous"] is False and row["generalised"] == 0
    assert row["education_level"] == "okand"


def test_an_anonymous_participant_shows_only_age_band_sex_and_area(
    case, person, export_client, login
):
    # given a person without consent to follow-up registration (SPEC §3: anonymous; outside the
    # officers' own pages only age, sex and area show), among four more of the same kind
    person.born_abroad = True
    person.save()
    for other in crowd(person):
        other.consents.all().delete()

    rows, _response = coarsened(login(export_client))

    assert len(rows) == 5
    for row in rows:
        assert row["anonymous"] is True
        assert (row["sex"], row["area_code"]) == (person.sex, "sdt")
        shown = {key for key, value in row.items() if value is not None}
        assert shown == {"age_band", "sex", "area_code", "anonymous", "generalised"}


def test_protected_identity_makes_a_participant_anonymous_despite_consent(
    case, person, export_client, login
):
    follow_up_consent(person)
    person.protected_identity = True
    person.save()
    for other in crowd(person):
        other.protected_identity = True
        other.save()

    rows, _response = coarsened(login(export_client))

    assert len(rows) == 5
    for row in rows:
        assert row["anonymous"] is True and row["person_key"] is None and row["case_id"] is None


def test_a_lone_anonymous_participant_is_not_exported_to_a_coarsened_role(
    case, person, export_client, login
):
    # one person alone in the area: no combination holds five, so the row is withheld
    rows, _response = coarsened(login(export_client))
    assert rows == []


def test_officers_see_anonymous_participants_in_full(case, person, coordinator, login):
    row = row_of(export(login(coordinator)), "case_id", case.pk)
    assert row["anonymous"] is True
    assert row["personnummer"] == person.personnummer and row["person_key"]


def test_the_person_key_is_stable_within_an_export_and_new_in_the_next(
    person, export_client, login
):
    # given a person with two cases (one closed), who consents to follow-up, among others
    follow_up_consent(person)
    CaseFactory(person=person, phase=Case.Phase.CLOSED, start_date=dt.date(2024, 1, 8))
    case = CaseFactory(person=person)
    for other in crowd(person):
        CaseFactory(person=other, phase=Case.Phase.CLOSED, start_date=dt.date(2024, 1, 8))
    client = login(export_client)

    first, first_response = coarsened(client)
    second, second_response = coarsened(client)

    key = row_of(first, "case_id", record_key(first_response, "case", case.pk))["person_key"]
    assert len([row for row in first if row["person_key"] == key]) == 2
    again = row_of(second, "case_id", record_key(second_response, "case", case.pk))["person_key"]
    assert len([row for row in second if row["person_key"] == again]) == 2
    assert key != again


def test_another_file_of_the_same_export_keeps_the_person_keys(person, export_client, login):
    follow_up_consent(person)
    case = CaseFactory(person=person)
    intervention = InterventionFactory(case=case, start_date=TODAY - dt.timedelta(days=3))
    for other in crowd(person):
        InterventionFactory(case=other.cases.get(), start_date=TODAY - dt.timedelta(days=3))
    client = login(export_client)

    participants, response = coarsened(client)
    export_id = response["X-Export-Id"]
    participant = row_of(participants, "case_id", record_key(response, "case", case.pk))
    interventions, _ = coarsened(client, "interventions", export_id=export_id)
    row = row_of(
        interventions, "intervention_id", record_key(response, "intervention", intervention.pk)
    )
    others, other_response = coarsened(client, "interventions")

    assert row["person_key"] == participant["person_key"]
    assert row["case_id"] == participant["case_id"]
    assert participant["person_key"] not in {other["person_key"] for other in others}
    assert row["intervention_id"] not in {other["intervention_id"] for other in others}


def test_someone_elses_export_id_is_refused(person, export_client, coordinator, login):
    CaseFactory(person=person)
    theirs = login(coordinator).get("/api/v1/exports/participants/")["X-Export-Id"]

    response = login(export_client).get("/api/v1/exports/participants/", {"export_id": theirs})

    assert response.status_code == 400
    assert list(response.json()) == ["export_id"]


# --- interventions and mappings ---------------------------------------------------------------


def test_interventions_are_those_of_the_exported_cases(population, fk_officer, coordinator, login):
    mine = InterventionFactory(
        case=population["caseload"][0],
        start_date=TODAY - dt.timedelta(days=5),
        hours_per_week="7.5",
    )
    theirs = InterventionFactory(case=population["colleagues"][0])
    InterventionFactory(case=population["other_area"][0])

    officer_rows = export(login(fk_officer), "interventions")
    coordinator_rows = export(login(coordinator), "interventions")

    assert {row["intervention_id"] for row in officer_rows} == {mine.pk}
    assert {row["intervention_id"] for row in coordinator_rows} == {mine.pk, theirs.pk}
    row = row_of(officer_rows, "intervention_id", mine.pk)
    assert row["case_id"] == mine.case_id
    assert (row["category"], row["kind"], row["provider"]) == (
        "work_preparatory",
        "wellness",
        "AF",
    )
    assert row["hours_per_week"] == 7.5
    assert row["personnummer"] == mine.case.person.personnummer


def test_an_officers_mappings_are_their_caseloads_and_their_teams(
    population, area, fk_officer, colleague, coordinator, login
):
    on_caseload = JointMappingFactory(person=population["caseload"][0].person)
    held_by_officer = JointMappingFactory(person=PersonFactory(area=area), fk_officer=fk_officer)
    colleagues = JointMappingFactory(person=PersonFactory(area=area), af_officer=colleague)
    JointMappingFactory(person=population["other_area"][0].person)

    officer_rows = export(login(fk_officer), "mappings")
    coordinator_rows = export(login(coordinator), "mappings")

    assert {row["mapping_id"] for row in officer_rows} == {on_caseload.pk, held_by_officer.pk}
    assert {row["mapping_id"] for row in coordinator_rows} == {
        on_caseload.pk,
        held_by_officer.pk,
        colleagues.pk,
    }


def test_a_mapping_row_holds_its_dates_decision_and_participants(person, coordinator, login):
    mapping = JointMappingFactory(
        person=person,
        requested_on=dt.date(2026, 1, 2),
        first_meeting_on=dt.date(2026, 1, 20),
        sick_leave_start=dt.date(2025, 12, 1),
        participants=["person", "FK", "AF"],
    )

    row = row_of(export(login(coordinator), "mappings"), "mapping_id", mapping.pk)

    assert row["mapping_date"] == "2026-01-20"
    assert row["requested_on"] == "2026-01-02"
    assert row["age_at_mapping"] == person.age_on(dt.date(2026, 1, 20))
    assert row["sick_leave_band"] == "under_90"
    assert row["participants"] == "person|FK|AF"
    assert row["initiated_by"] == "FK"
    assert row["decision"] is None and row["case_id"] is None
