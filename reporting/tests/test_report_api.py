"""The report API (SPEC §5, §6): each endpoint's figures for a small population, computed by hand,
as JSON and as CSV; a period of two months is the sum of its months.

Access (scoping, suppression, the access log) is in test_report_api_access.py, the parameters in
test_report_api_params.py, the OpenAPI schema in test_report_api_schema.py."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from .test_metrics_given import case, mapping, person, status

# Every test here needs the database, some through fixtures looked up at run time: marked, so
# pytest-django runs them before the transactional tests that flush the reference data.
pytestmark = pytest.mark.django_db

PERIOD = {"from": "2025-01", "to": "2025-02"}
JANUARY = {"from": "2025-01", "to": "2025-01"}
FEBRUARY = {"from": "2025-02", "to": "2025-02"}

CATEGORIES = [
    "work_unsubsidised",
    "work_subsidised",
    "education",
    "self_employed",
    "work_or_education",
    "labour_market_programme",
    "openly_unemployed",
    "other",
]


@pytest.fixture
def population(area, other_area):
    """Everyone the five reports count for January–February 2025 in `area` (Södertörn), and one
    case in `other_area` (Umeå). Every figure the tests expect is worked out in the comments."""
    # Day-365 outcomes: report months January–February 2025 measure the cases started in
    # January–February 2024, each read on start + 365 days.
    a = person(area=area, sex="K", birth=dt.date(1980, 5, 17))  # 43 at start: 35_44
    case(person=a, start=dt.date(2024, 1, 15), target_group="sick_unemployed")
    status(a, dt.date(2024, 6, 1), "work_unsubsidised")  # on day 365 (2025-01-14)
    b = person(area=area, sex="M", birth=dt.date(1990, 3, 3))  # 33 at start: 25_34
    case(person=b, start=dt.date(2024, 1, 20), target_group="sick_unemployed")
    status(b, dt.date(2024, 3, 1), "openly_unemployed")
    c = person(area=area, sex="K", birth=dt.date(2000, 2, 2))  # 24 at start: 18_24
    case(person=c, start=dt.date(2024, 2, 10), target_group="young_activity_comp")  # no entry
    d = person(area=area, sex="K", birth=dt.date(1970, 8, 8))  # 53 at start: 45_54
    case(person=d, start=dt.date(2024, 2, 25), target_group="sick_unemployed")
    status(d, dt.date(2024, 12, 1), "education")  # day 365 is 2025-02-24
    e = person(area=other_area, sex="M", birth=dt.date(1985, 1, 1))
    case(person=e, start=dt.date(2024, 1, 10))
    status(e, dt.date(2024, 9, 1), "work_subsidised")

    # Average days: cases ended in January–February 2025.
    f = person(area=area, sex="K", birth=dt.date(1975, 4, 4))
    # 2024-03-01 → 2025-01-31: 306 days to 1 January, then 30: 336 days; in work on the end
    case(person=f, start=dt.date(2024, 3, 1), end=dt.date(2025, 1, 31))
    status(f, dt.date(2025, 1, 15), "work_unsubsidised")
    g = person(area=area, sex="M", birth=dt.date(1965, 7, 7))
    # 2024-12-01 → 2025-02-10: 31 + 31 + 9 = 71 days; no status entry: not work
    case(person=g, start=dt.date(2024, 12, 1), end=dt.date(2025, 2, 10))

    # Joint mappings held (first meeting) in January and February 2025.
    h = person(area=area, sex="K", birth=dt.date(1980, 5, 17))  # 44 at the meeting: 35_44
    mapping(
        person=h,
        first_meeting=dt.date(2025, 1, 20),
        initiated_by="FK",
        benefit="sjukpenning",
        sick_leave_start=dt.date(2024, 12, 1),  # day 51 of the sick-leave case: under_90
    )
    i = person(area=area, sex="M", birth=dt.date(1990, 3, 3))  # 34 at the meeting: 25_34
    mapping(
        person=i,
        first_meeting=dt.date(2025, 2, 5),
        initiated_by="AF",
        benefit="",  # unknown
        sick_leave_start=None,  # unknown band
    )

    # Inflow: cases started in January and February 2025.
    j = person(area=area, sex="K", birth=dt.date(1980, 5, 17))  # 44: not young
    case(person=j, start=dt.date(2025, 1, 10), target_group="sick_unemployed")
    k = person(area=area, sex="M", birth=dt.date(2000, 6, 1))  # 24: young
    case(person=k, start=dt.date(2025, 2, 3), target_group="young_activity_comp")


def get(client, name, **params):
    return client.get(reverse(f"api:report-{name}"), params)


def csv_rows(response):
    """The CSV body as a list of rows (header first), after checking the bytes."""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())  # the BOM Excel needs for UTF-8
    text = response.content.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def row_of(rows, *lead):
    """The one CSV row starting with `lead`."""
    found = [row for row in rows[1:] if tuple(row[: len(lead)]) == lead]
    assert len(found) == 1, (lead, found)
    return found[0]


def counts(**given):
    return {key: given.get(key, 0) for key in CATEGORIES}


# --- outcomes ----------------------------------------------------------------------------------


def test_outcomes_count_share_and_total_per_dimension_and_level(login, fk_officer, population):
    response = get(login(fk_officer), "outcomes", **PERIOD)

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in body if key != "data"} == {
        "report": "outcomes",
        "from": "2025-01",
        "to": "2025-02",
        "area": None,
        "region": None,
        "areas": ["sdt"],
        "national": False,
        "suppressed": False,
        "small_cell": 5,
        "registration_models": ["needs_analysis"],
        "registration_mixed": False,
    }
    data = body["data"]
    assert data["cohort_months"] == ["2024-01", "2024-02"]
    # a (work), b (openly unemployed), c (no entry: other), d (education)
    assert data["rows"]["total"]["total"] == {
        "total": 4,
        "total_share": "100%",
        "counts": counts(work_unsubsidised=1, education=1, work_or_education=2,
                         openly_unemployed=1, other=1),
        "shares": {
            "work_unsubsidised": "25%",
            "work_subsidised": "0%",
            "education": "25%",
            "self_employed": "0%",
            "work_or_education": "50%",
            "labour_market_programme": "0%",
            "openly_unemployed": "25%",
            "other": "25%",
        },
    }  # fmt: skip
    women = data["rows"]["sex"]["K"]  # a, c, d
    assert women["total"] == 3
    assert women["counts"] == counts(work_unsubsidised=1, education=1, work_or_education=2, other=1)
    assert (women["shares"]["work_or_education"], women["shares"]["other"]) == ("67%", "33%")
    men = data["rows"]["sex"]["M"]  # b
    assert (
        men["total"],
        men["counts"]["openly_unemployed"],
        men["shares"]["openly_unemployed"],
    ) == (
        1,
        1,
        "100%",
    )
    assert {level: row["total"] for level, row in data["rows"]["age_band"].items()} == {
        "under_18": 0,
        "18_24": 1,
        "25_34": 1,
        "35_44": 1,
        "45_54": 1,
        "55_64": 0,
        "65_plus": 0,
    }
    sick_unemployed = data["rows"]["target_group"]["sick_unemployed"]  # a, b, d
    assert sick_unemployed["counts"]["work_or_education"] == 2
    assert sick_unemployed["shares"]["work_or_education"] == "67%"
    assert data["rows"]["target_group"]["young_activity_comp"]["counts"]["other"] == 1


def test_outcomes_as_csv_one_row_per_dimension_level_and_category(login, fk_officer, population):
    response = get(login(fk_officer), "outcomes", format="csv", **PERIOD)

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="samverkan-outcomes-2025-01_2025-02-sdt.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == [
        "dimension",
        "dimension_label",
        "level",
        "level_label",
        "category",
        "category_label",
        "count",
        "share",
    ]
    assert row_of(rows, "total", "Totalt", "total", "Totalt", "total") == [
        "total", "Totalt", "total", "Totalt", "total", "Totalt", "4", "100%"
    ]  # fmt: skip
    assert row_of(rows, "sex", "Kön", "K", "Kvinnor", "work_or_education") == [
        "sex", "Kön", "K", "Kvinnor", "work_or_education", "Till arbete och utbildning", "2",
        "67%",
    ]  # fmt: skip
    assert row_of(rows, "sex", "Kön", "M", "Män", "openly_unemployed")[5:] == [
        "Öppet arbetslös",
        "1",
        "100%",
    ]
    # every dimension and level has its total and its eight categories
    assert len([r for r in rows[1:] if r[0] == "sex"]) == 2 * (1 + len(CATEGORIES))


# --- average days ------------------------------------------------------------------------------


def test_average_days_for_everyone_ended_and_those_in_work(login, fk_officer, population):
    response = get(login(fk_officer), "average-days", **PERIOD)

    assert response.status_code == 200
    body = response.json()
    assert body["report"] == "average_days"
    rows = body["data"]["rows"]
    # f: 336 days, in work; g: 71 days, no entry. (336 + 71) / 2 = 203.5, halves up: 204
    assert rows["total"]["total"] == {
        "all": {"count": 2, "days_total": 407, "mean_days": 204},
        "work_or_education": {"count": 1, "days_total": 336, "mean_days": 336},
    }
    assert rows["sex"]["M"] == {
        "all": {"count": 1, "days_total": 71, "mean_days": 71},
        "work_or_education": {"count": 0, "days_total": 0, "mean_days": None},
    }
    assert rows["target_group"]["unknown"]["all"]["count"] == 2


def test_average_days_as_csv(login, coordinator, population):
    response = get(login(coordinator), "average-days", format="csv", **PERIOD)

    rows = csv_rows(response)
    assert rows[0] == [
        "dimension",
        "dimension_label",
        "level",
        "level_label",
        "group",
        "group_label",
        "count",
        "days_total",
        "mean_days",
    ]
    assert row_of(rows, "total", "Totalt", "total", "Totalt", "all") == [
        "total", "Totalt", "total", "Totalt", "all", "Alla", "2", "407", "204"
    ]  # fmt: skip
    # nobody of the men ended in work: no mean, an empty cell
    assert row_of(rows, "sex", "Kön", "M", "Män", "work_or_education")[6:] == ["0", "0", ""]
    assert (
        'filename="samverkan-average-days-2025-01_2025-02-sdt.csv"'
        in (response["Content-Disposition"])
    )


# --- joint mappings ----------------------------------------------------------------------------


def test_mappings_held_by_dimension_with_shares_of_all_held(login, fk_officer, population):
    response = get(login(fk_officer), "mappings", **PERIOD)

    assert response.status_code == 200
    rows = response.json()["data"]["rows"]
    half = {"count": 1, "share": "50%"}
    none = {"count": 0, "share": "0%"}
    assert rows["total"] == {"total": {"count": 2, "share": "100%"}}
    assert rows["sex"] == {"K": half, "M": half}
    assert rows["initiated_by"] == {"FK": half, "AF": half}
    assert rows["sick_leave_band"] == {
        "under_90": half,
        "90_180": none,
        "180_365": none,
        "over_365": none,
        "unknown": half,
    }
    assert rows["benefit"]["sjukpenning"] == half
    assert rows["benefit"]["unknown"] == half
    assert rows["age_band"]["35_44"] == half
    assert rows["age_band"]["25_34"] == half


def test_mappings_as_csv(login, fk_officer, population):
    rows = csv_rows(get(login(fk_officer), "mappings", format="csv", **PERIOD))

    assert rows[0] == ["dimension", "dimension_label", "level", "level_label", "count", "share"]
    assert row_of(rows, "total") == ["total", "Totalt", "total", "Totalt", "2", "100%"]
    assert row_of(rows, "sick_leave_band", "Tid i sjukfall", "under_90") == [
        "sick_leave_band", "Tid i sjukfall", "under_90", "Under 90 dagar", "1", "50%"
    ]  # fmt: skip
    assert row_of(rows, "benefit", "Ersättning", "unknown")[3:] == ["Okänt", "1", "50%"]


# --- inflow ------------------------------------------------------------------------------------


def test_inflow_per_month_young_and_sex_and_by_target_group(login, fk_officer, population):
    response = get(login(fk_officer), "inflow", **PERIOD)

    assert response.status_code == 200
    data = response.json()["data"]
    # j: a woman of 44 in January; k: a young man of 24 in February
    assert data["months"] == {
        "2025-01": {
            "all": {"count": 1, "young": 0, "young_share": "0%"},
            "K": {"count": 1, "young": 0, "young_share": "0%"},
            "M": {"count": 0, "young": 0, "young_share": "–"},
        },
        "2025-02": {
            "all": {"count": 1, "young": 1, "young_share": "100%"},
            "K": {"count": 0, "young": 0, "young_share": "–"},
            "M": {"count": 1, "young": 1, "young_share": "100%"},
        },
    }
    assert data["period"]["all"] == {"count": 2, "young": 1, "young_share": "50%"}
    total = data["rows"]["total"]["total"]
    assert (total["total"], total["total_share"]) == (2, "100%")
    assert total["counts"]["sick_unemployed"] == 1
    assert total["counts"]["young_activity_comp"] == 1
    assert total["shares"]["young_activity_comp"] == "50%"
    assert total["counts"]["unknown"] == 0
    assert data["rows"]["sex"]["M"]["counts"]["young_activity_comp"] == 1


def test_inflow_as_csv_months_then_target_groups(login, fk_officer, population):
    rows = csv_rows(get(login(fk_officer), "inflow", format="csv", **PERIOD))

    assert rows[0] == [
        "section",
        "month",
        "dimension",
        "dimension_label",
        "level",
        "level_label",
        "target_group",
        "target_group_label",
        "count",
        "share",
        "young",
        "young_share",
    ]
    assert row_of(rows, "months", "2025-02", "sex", "Kön", "M") == [
        "months", "2025-02", "sex", "Kön", "M", "Män", "", "", "1", "", "1", "100%"
    ]  # fmt: skip
    assert row_of(rows, "months", "period", "sex", "Kön", "all")[8:] == ["2", "", "1", "50%"]
    assert row_of(rows, "target_groups", "period", "total", "Totalt", "total", "Totalt", "total")[
        8:
    ] == ["2", "100%", "", ""]
    assert row_of(rows, "target_groups", "period", "sex", "Kön", "M", "Män", "young_activity_comp")[
        7:
    ] == ["Arbetslös ung med aktivitetsersättning", "1", "100%", "", ""]


# --- status ------------------------------------------------------------------------------------


def status_row(**given):
    states = dict.fromkeys(
        ["in_mapping", "waiting_for_mapping", "active", "waiting_for_intervention", "waiting"], 0
    )
    occupation = counts(**given.pop("ended_occupation", {}))
    return {**states, "ended": 0, **given, "ended_occupation": occupation}


def test_status_for_a_period_by_area_code_and_sex(login, fk_officer, area, population):
    response = get(login(fk_officer), "status", **PERIOD)

    assert response.status_code == 200
    body = response.json()
    assert (body["report"], body["from"], body["to"], body["day"]) == (
        "status",
        "2025-01",
        "2025-02",
        None,
    )
    data = body["data"]
    assert (data["day"], data["months"]) == ("2025-02-28", ["2025-01", "2025-02"])
    # open on 28 February: a, c, d, j (women) and b, k (men); mappings h (K) and i (M) held and
    # open; ended in the period: f (K, in work) and g (M, no entry: other)
    assert data["total"]["all"] == status_row(
        in_mapping=2,
        active=6,
        ended=2,
        ended_occupation={"work_unsubsidised": 1, "work_or_education": 1, "other": 1},
    )
    assert data["total"]["K"] == status_row(
        in_mapping=1,
        active=4,
        ended=1,
        ended_occupation={"work_unsubsidised": 1, "work_or_education": 1},
    )
    assert data["total"]["M"] == status_row(
        in_mapping=1, active=2, ended=1, ended_occupation={"other": 1}
    )
    # areas are keyed by code, not id
    assert list(data["areas"]) == ["sdt"]
    assert data["areas"]["sdt"] == data["total"]


def test_status_on_a_day(login, fk_officer, population):
    response = get(login(fk_officer), "status", day="2025-01-31")

    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"], body["day"]) == (None, None, "2025-01-31")
    # open on 31 January: a, c, d, j (women), b and g (g ends on 10 February); f ends that
    # day (in work); h's mapping held on 20 January; i's not yet requested
    assert body["data"]["total"]["all"] == status_row(
        in_mapping=1,
        active=6,
        ended=1,
        ended_occupation={"work_unsubsidised": 1, "work_or_education": 1},
    )
    assert "months" not in body["data"]


def test_status_for_the_nation_shows_every_area_by_code(login, analyst, monkeypatch, population):
    # (suppression left out here: its own tests are in test_report_api_access.py)
    monkeypatch.setattr("reporting.suppression.suppress_report", lambda kind, data: data)

    body = get(login(analyst), "status", **PERIOD).json()

    assert body["national"] is True
    assert set(body["data"]["areas"]) == {"sdt", "ume"}
    assert body["data"]["areas"]["ume"]["M"] == status_row(active=1)  # e
    assert body["data"]["total"]["all"]["active"] == 7


def test_status_as_csv(login, fk_officer, population):
    response = get(login(fk_officer), "status", format="csv", day="2025-01-31")

    assert 'filename="samverkan-status-2025-01-31-sdt.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == [
        "area",
        "sex",
        "sex_label",
        "state",
        "state_label",
        "occupation",
        "occupation_label",
        "count",
        "office_kind",
        "office",
    ]
    # the area rows have no office; the office rows follow them
    area_rows = [rows[0], *(row for row in rows[1:] if row[8:] == ["", ""])]
    assert row_of(area_rows, "total", "all", "Alla", "active", "I aktiva insatser", "") == [
        "total", "all", "Alla", "active", "I aktiva insatser", "", "", "6", "", ""
    ]  # fmt: skip
    assert row_of(area_rows, "sdt", "K", "Kvinnor", "ended", "Avslutade", "work_unsubsidised") == [
        "sdt", "K", "Kvinnor", "ended", "Avslutade", "work_unsubsidised", "Arbete utan stöd", "1",
        "", "",
    ]  # fmt: skip
    # per area (total, sdt) and sex (3): six states, then eight occupations after `ended`
    assert len(area_rows) == 1 + 2 * 3 * (6 + 8)
    # the population records no offices: sdt's records are all under "unknown", once by LFC
    # and once by AMO, each as many rows as the area's
    office_rows = [row for row in rows[1:] if row[8:] != ["", ""]]
    assert {(row[0], row[8], row[9]) for row in office_rows} == {
        ("sdt", "LFC", "unknown"),
        ("sdt", "AMO", "unknown"),
    }
    assert len(office_rows) == 2 * 3 * (6 + 8)


# --- a period is the sum of its months ---------------------------------------------------------


def _additive_figures(name, data):
    """Every count of a report that adds up over months: {path: number}."""
    found = {}
    if name == "outcomes":
        for dimension, levels in data["rows"].items():
            for level, row in levels.items():
                found[(dimension, level, "total")] = row["total"]
                for category, n in row["counts"].items():
                    found[(dimension, level, category)] = n
    elif name == "average-days":
        for dimension, levels in data["rows"].items():
            for level, row in levels.items():
                for group, part in row.items():
                    found[(dimension, level, group, "count")] = part["count"]
                    found[(dimension, level, group, "days")] = part["days_total"]
    elif name == "mappings":
        for dimension, levels in data["rows"].items():
            for level, row in levels.items():
                found[(dimension, level)] = row["count"]
    elif name == "inflow":
        for sex, cell in data["period"].items():
            found[("period", sex, "count")] = cell["count"]
            found[("period", sex, "young")] = cell["young"]
        for dimension, levels in data["rows"].items():
            for level, row in levels.items():
                for group, n in row["counts"].items():
                    found[(dimension, level, group)] = n
    elif name == "status":  # only the ended cases add up; states are read on the last day
        for sex, row in data["total"].items():
            found[(sex, "ended")] = row["ended"]
            for occupation, n in row["ended_occupation"].items():
                found[(sex, occupation)] = n
    return found


@pytest.mark.parametrize("name", ["outcomes", "average-days", "mappings", "inflow", "status"])
def test_a_two_month_period_is_the_sum_of_its_months(login, coordinator, population, name):
    client = login(coordinator)
    whole = _additive_figures(name, get(client, name, **PERIOD).json()["data"])
    january = _additive_figures(name, get(client, name, **JANUARY).json()["data"])
    february = _additive_figures(name, get(client, name, **FEBRUARY).json()["data"])

    assert set(whole) == set(january) == set(february)
    assert whole == {key: january[key] + february[key] for key in whole}
    assert any(january.values()) and any(february.values())  # both months hold someone
