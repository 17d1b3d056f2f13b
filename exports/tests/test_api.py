"""`GET /api/v1/exports/<kind>/`: formats and delimiters, filters and their 400s, who may
export (403), unknown kinds and areas (404), and the access log (SPEC §6, §7)."""

import csv
import datetime as dt
import io
import json

import pytest

from audit.models import AccessLog
from cases.models import Case
from cases.tests.factories import CaseFactory, PersonFactory
from exports.columns import columns_for
from mapping.tests.factories import InterventionFactory, JointMappingFactory

from .conftest import body, crowd, csv_rows, ids, json_rows, record_key, xlsx_rows
from .test_rows import follow_up_consent
from .xlsx import read_xlsx

pytestmark = pytest.mark.django_db

URL = "/api/v1/exports/participants/"


# --- formats ------------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_semicolons_and_one_header_row(population, coordinator, login):
    response = login(coordinator).get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="samverkan-')
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeffcase_id;person_key;personnummer;")
    header, *lines = text[1:].split("\r\n")
    assert header.split(";") == [c.name for c in columns_for("participants", full_identity=True)]
    assert lines[-1] == ""  # every line ends with CRLF
    assert len(lines) - 1 == len(population["area"])


def test_csv_with_comma_uses_commas_and_decimal_points(case, fk_officer, login):
    InterventionFactory(case=case, start_date=dt.date.today(), hours_per_week="7.5")
    client = login(fk_officer)

    semicolon = client.get("/api/v1/exports/interventions/")
    comma = client.get("/api/v1/exports/interventions/", {"delimiter": "comma"})

    assert csv_rows(semicolon)[0]["hours_per_week"] == "7,5"
    text = body(comma).decode()
    assert text.startswith("\ufeffintervention_id,case_id,")
    [row] = csv.DictReader(io.StringIO(text[1:]), delimiter=",")
    assert row["hours_per_week"] == "7.5"
    assert row["case_id"] == str(case.pk)


def test_json_is_one_array_of_objects(population, coordinator, login):
    response = login(coordinator).get(URL, {"format": "json"})

    assert response["Content-Type"] == "application/json"
    rows = json_rows(response)
    assert ids(rows) == {case.pk for case in population["area"]}
    assert list(rows[0]) == [c.name for c in columns_for("participants", full_identity=True)]


def test_an_empty_export_is_a_header_or_an_empty_array(outsider, login):
    client = login(outsider)
    assert (
        body(client.get(URL)).decode()
        == "\ufeff"
        + ";".join(c.name for c in columns_for("participants", full_identity=True))
        + "\r\n"
    )
    assert json.loads(body(client.get(URL, {"format": "json"}))) == []
    [sheet] = read_xlsx(body(client.get(URL, {"format": "xlsx"}))).values()
    assert len(sheet) == 1


def test_xlsx_has_a_header_row_dates_as_dates_and_text_as_text(case, person, coordinator, login):
    person.last_name = "=HYPERLINK(1)"
    person.save()

    response = login(coordinator).get(URL, {"format": "xlsx"})

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    [row] = xlsx_rows(response)
    assert row["case_id"] == case.pk
    # Excel's day numbers: 1899-12-30 is day 0
    assert dt.date(1899, 12, 30) + dt.timedelta(days=row["start_date"]) == case.start_date
    assert row["last_name"] == "=HYPERLINK(1)"  # a string cell, never a formula
    assert row["personnummer"] == person.personnummer  # text, leading digits kept


def test_csv_neutralises_text_that_a_spreadsheet_would_run_as_a_formula(
    case, person, coordinator, login
):
    person.first_name = "=cmd|' /C calc'!A0"
    person.save()
    [row] = csv_rows(login(coordinator).get(URL))
    assert row["first_name"] == "'=cmd|' /C calc'!A0"


def test_the_response_names_the_export(case, coordinator, login):
    response = login(coordinator).get(URL)
    assert len(response["X-Export-Id"]) == 32
    assert response["Cache-Control"] == "no-store"


# --- filters ------------------------------------------------------------------------------------


def test_period_filters_participants_on_start_else_referral(area, coordinator, login):
    inside = CaseFactory(person=PersonFactory(area=area), start_date=dt.date(2025, 3, 10))
    referred = CaseFactory(
        person=PersonFactory(area=area),
        phase=Case.Phase.REFERRED,
        start_date=None,
        referral_date=dt.date(2025, 3, 31),
    )
    CaseFactory(person=PersonFactory(area=area), start_date=dt.date(2025, 4, 1))
    CaseFactory(person=PersonFactory(area=area), start_date=dt.date(2025, 2, 28))

    rows = csv_rows(login(coordinator).get(URL, {"from": "2025-03-01", "to": "2025-03-31"}))

    assert ids(rows) == {inside.pk, referred.pk}


def test_period_filters_interventions_on_start_and_mappings_on_their_date(
    case, person, coordinator, login
):
    started = InterventionFactory(case=case, start_date=dt.date(2025, 5, 5))
    InterventionFactory(case=case, start_date=dt.date(2025, 6, 5))
    InterventionFactory(case=case)  # planned, no start: out when a period is given
    held = JointMappingFactory(
        person=person,
        requested_on=dt.date(2025, 4, 20),
        first_meeting_on=dt.date(2025, 5, 2),
        ended_on=dt.date(2025, 5, 2),
        decision="no_action",
    )
    JointMappingFactory(person=person, requested_on=dt.date(2025, 5, 20))  # not held: request

    client = login(coordinator)
    period = {"from": "2025-05-01", "to": "2025-05-10"}
    assert ids(
        csv_rows(client.get("/api/v1/exports/interventions/", period)), "intervention_id"
    ) == {started.pk}
    assert ids(csv_rows(client.get("/api/v1/exports/mappings/", period)), "mapping_id") == {held.pk}


def test_area_filter_takes_one_or_several_codes(
    area, other_area, coordinator, analyst, export_client, login
):
    here = CaseFactory(person=PersonFactory(area=area))
    there = CaseFactory(person=PersonFactory(area=other_area))
    for case in (here, there):  # not anonymous, and among four alike: their rows are shown
        follow_up_consent(case.person)
        crowd(case.person)

    def exported(user, **params):
        response = login(user).get(URL, params)
        found = {row["case_id"] for row in csv_rows(response)}
        return {pk for pk in (here.pk, there.pk) if record_key(response, "case", pk) in found}

    # the national analyst exports every area, coarsened
    assert exported(analyst) == {here.pk, there.pk}
    assert exported(analyst, area="sdt") == {here.pk}
    assert exported(analyst, area="ume,sdt") == {here.pk, there.pk}
    # the area's export job only its own area
    assert exported(export_client) == {here.pk}
    assert login(export_client).get(URL, {"area": "sdt,ume"}).status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-13-01"}, "from"),
        ({"from": "1.1.2025"}, "from"),
        ({"to": "1800-01-01"}, "to"),
        ({"from": "2025-05-02", "to": "2025-05-01"}, "to"),
        ({"format": "pdf"}, "format"),
        ({"delimiter": "tab"}, "delimiter"),
        ({"export_id": "not-an-id"}, "export_id"),
    ],
)
def test_bad_parameters_answer_400_naming_them_in_swedish(coordinator, login, params, field):
    response = login(coordinator).get(URL, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == [field]
    assert response.json()[field][0].startswith(("Ange", "Välj", "Slutdatumet", "Ingen"))


def test_every_bad_parameter_is_named_at_once(coordinator, login):
    response = login(coordinator).get(URL, {"from": "x", "format": "csv2", "delimiter": ";"})
    assert set(response.json()) == {"from", "format", "delimiter"}


def test_an_unknown_area_is_404_like_another_areas(coordinator, login):
    response = login(coordinator).get(URL, {"area": "nosuch"})
    assert response.status_code == 404
    assert login(coordinator).get(URL, {"area": "bad\x00code"}).status_code == 404


def test_an_unknown_kind_is_a_json_404(coordinator, login):
    response = login(coordinator).get("/api/v1/exports/persons/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


# --- who may export -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["management", "outsider_without_role"])
def test_roles_without_case_access_or_export_right_get_403(request, login, who, area):
    if who == "outsider_without_role":
        from accounts.tests.factories import staff

        user = staff("sysadmin", areas=[area], username="admin.sdt")
    else:
        user = request.getfixturevalue(who)

    response = login(user).get(URL)

    assert response.status_code == 403
    assert "exportera" in response.json()["detail"]
    assert AccessLog.objects.filter(user=user, action=AccessLog.Action.DENIED).exists()


def test_an_export_job_without_areas_may_not_export(db, login):
    from accounts.tests.factories import staff

    assert login(staff("api_client", username="no-areas")).get(URL).status_code == 403


def test_anonymous_gets_401(client, db):
    response = client.get(URL)
    assert response.status_code == 401


def test_head_is_not_offered(coordinator, login):
    assert login(coordinator).head(URL).status_code == 405


# --- the access log -----------------------------------------------------------------------------


def test_a_full_identity_export_logs_the_export_and_every_exported_case(
    population, fk_officer, login
):
    response = login(fk_officer).get(URL, {"area": "sdt", "from": "2020-01-01"})
    rows = csv_rows(response)  # the rows are logged as they are produced
    export_id = response["X-Export-Id"]

    [summary] = AccessLog.objects.filter(
        user=fk_officer, action=AccessLog.Action.EXPORT, object_type="export"
    )
    assert summary.object_id == export_id
    assert summary.area.code == "sdt"
    assert "participants" in summary.purpose and "full identitet" in summary.purpose
    assert "2020-01-01" in summary.purpose and export_id in summary.purpose
    logged = AccessLog.objects.filter(
        user=fk_officer, action=AccessLog.Action.EXPORT, object_type="case"
    )
    assert {int(entry.object_id) for entry in logged} == ids(rows)
    assert {entry.person_id for entry in logged} == {c.person_id for c in population["caseload"]}
    assert all(export_id in entry.purpose for entry in logged)


def test_interventions_and_mappings_are_logged_one_entry_each(case, person, coordinator, login):
    intervention = InterventionFactory(case=case)
    mapping = JointMappingFactory(person=person)
    client = login(coordinator)

    body(client.get("/api/v1/exports/interventions/"))
    body(client.get("/api/v1/exports/mappings/", {"format": "xlsx"}))

    logged = AccessLog.objects.filter(user=coordinator, action=AccessLog.Action.EXPORT)
    assert logged.get(object_type="intervention").object_id == str(intervention.pk)
    assert logged.get(object_type="jointmapping").person_id == person.pk
    assert logged.filter(object_type="export").count() == 2
    assert logged.get(object_type="jointmapping").object_id == str(mapping.pk)


def test_a_coarsened_export_logs_one_entry_per_area_and_no_person(area, other_area, analyst, login):
    CaseFactory(person=PersonFactory(area=area))
    CaseFactory(person=PersonFactory(area=other_area))

    body(login(analyst).get(URL))

    entries = AccessLog.objects.filter(user=analyst, action=AccessLog.Action.EXPORT)
    assert {entry.area.code for entry in entries} == {"sdt", "ume"}
    assert {entry.object_type for entry in entries} == {"export"}
    assert all("grovindelad och k-anonym" in entry.purpose for entry in entries)
