"""The report API in the OpenAPI schema at /api/v1/schema/: the five paths, their parameters,
the JSON shape and the CSV response."""

import pytest
import yaml
from django.urls import reverse

# Every test here needs the database, some through fixtures looked up at run time: marked, so
# pytest-django runs them before the transactional tests that flush the reference data.
pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/reports/outcomes/": "OutcomesReport",
    "/api/v1/reports/average-days/": "AverageDaysReport",
    "/api/v1/reports/mappings/": "MappingsReport",
    "/api/v1/reports/inflow/": "InflowReport",
    "/api/v1/reports/status/": "StatusReport",
}


@pytest.fixture
def schema(login, analyst):
    response = login(analyst).get(reverse("api:schema"))
    assert response.status_code == 200
    return yaml.safe_load(response.content)


@pytest.mark.parametrize("path", PATHS)
def test_each_report_is_listed_with_its_parameters(schema, path):
    operation = schema["paths"][path]["get"]

    parameters = {p["name"]: p for p in operation["parameters"]}
    expected = {"from", "to", "area", "region", "format"}
    expected |= {"day"} if path.endswith("status/") else set()
    expected |= {"benefit"} if path.endswith("mappings/") else set()
    assert set(parameters) == expected
    assert all(p["in"] == "query" and not p.get("required") for p in parameters.values())
    assert parameters["from"]["schema"]["pattern"] == "^[0-9]{4}-[0-9]{2}$"
    assert parameters["format"]["schema"]["enum"] == ["csv", "json"]
    assert list(schema["paths"][path]) == ["get"]


@pytest.mark.parametrize("path", PATHS)
def test_each_report_documents_json_csv_and_its_errors(schema, path):
    responses = schema["paths"][path]["get"]["responses"]

    ok = responses["200"]
    assert ok["content"]["application/json"]["schema"] == {
        "$ref": f"#/components/schemas/{PATHS[path]}"
    }
    assert ok["content"]["text/csv"]["schema"]["type"] == "string"
    assert "Kolumner:" in ok["content"]["text/csv"]["schema"]["description"]
    assert "Content-Disposition" in ok["headers"]
    assert {"400", "403", "404"} <= set(responses)
    # JSON for a bad parameter; text for a personnummer in the address (audit.middleware)
    assert set(responses["400"]["content"]) == {"application/json", "text/plain"}


def test_the_envelope_and_the_outcome_rows_are_described(schema):
    components = schema["components"]["schemas"]

    envelope = components["OutcomesReport"]["properties"]
    assert list(envelope) == [
        "report",
        "from",
        "to",
        "area",
        "region",
        "areas",
        "national",
        "suppressed",
        "small_cell",
        "registration_models",
        "registration_mixed",
        "data",
    ]
    row = components["OutcomeRow"]["properties"]
    assert set(row) == {"total", "total_share", "counts", "shares", "hidden_as"}
    counts = components["ReportOutcomeCounts"]["properties"]
    assert set(counts) == {
        "work_unsubsidised",
        "work_subsidised",
        "education",
        "self_employed",
        "work_or_education",
        "labour_market_programme",
        "openly_unemployed",
        "other",
    }
    assert all(field["nullable"] for field in counts.values())  # suppressed: null
    assert "day" in components["StatusReport"]["properties"]
