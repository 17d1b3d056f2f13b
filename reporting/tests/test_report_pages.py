"""The report pages (Statistik → Rapporter, SPEC §5 "Reports"): the report API's figures, areas,
suppression and access log, shown as the published tables with a chart, each table as CSV and the
whole report as XLSX; a bad choice is told on its field and computes nothing."""

import io
import re
import zipfile

import pytest
import time_machine
from django.urls import reverse

from accounts.tests.factories import staff
from audit.models import AccessLog

from . import test_report_api
from .html_tables import table_by_row
from .test_report_api import PERIOD, get

pytestmark = pytest.mark.django_db

population = test_report_api.population

PAGE_PERIOD = {"fran": "2025-01", "till": "2025-02"}
SLUGS = {
    "status-dag-365": "outcomes",
    "tid-i-samverkan": "average_days",
    "kartlaggningar": "mappings",
    "nya-deltagare": "inflow",
    "statusrapport": "status",
}


def page(client, slug, **params):
    return client.get(reverse("reporting:report", args=[slug]), params)


def entries():
    return AccessLog.objects.exclude(action=AccessLog.Action.LOGIN).order_by("id")


@pytest.fixture
def no_suppression(monkeypatch):
    monkeypatch.setattr("reporting.suppression.suppress_report", lambda kind, data: data)


def test_the_index_lists_the_five_reports(login, management):
    response = login(management).get(reverse("reporting:reports"))

    assert response.status_code == 200
    body = response.content.decode()
    for slug in SLUGS:
        assert reverse("reporting:report", args=[slug]) in body
    assert (reverse("reporting:reports"), "Rapporter") in response.context["nav_items"]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_page_shows_chart_and_tables_and_is_logged_once(login, coordinator, population, slug):
    response = page(login(coordinator), slug, omrade="sdt", **PAGE_PERIOD)

    assert response.status_code == 200
    body = response.content.decode()
    assert '<figure class="chart"><img src="data:image/svg+xml;base64,' in body
    assert response.context["tables"] and 'class="data-table' in body
    entry = entries().get()
    assert (entry.action, entry.user, entry.object_type, entry.object_id, entry.area.code) == (
        AccessLog.Action.VIEW,
        coordinator,
        "report",
        SLUGS[slug],
        "sdt",
    )
    # The same words as the report API's entry for the same question.
    assert entry.purpose == f"rapport {SLUGS[slug]} 2025-01–2025-02, sdt"


def test_the_day_365_tables_hold_the_apis_figures(login, coordinator, population):
    client = login(coordinator)
    html = page(client, "status-dag-365", omrade="sdt", **PAGE_PERIOD).content.decode()
    api = get(client, "outcomes", area="sdt", **PERIOD).json()["data"]["rows"]

    rows = table_by_row(html, "table-bakgrund")
    # a and d in work or education, b openly unemployed, c without an entry (other): 4 in all
    assert rows[("", "Totalt")] == ["2", "50%", "0", "0%", "1", "25%", "1", "25%", "4", "100%"]
    assert api["total"]["total"]["total"] == 4
    women = rows[("Kön", "Kvinnor")]
    assert women[-2:] == [str(api["sex"]["K"]["total"]), api["sex"]["K"]["total_share"]]
    # Tabell 4's layout: a works without support, d studies; shares of the whole row.
    fine = table_by_row(html, "table-bakgrund-arbete")
    assert fine[("", "Totalt")] == ["1", "25%", "0", "0%", "1", "25%", "0", "0%", "2", "50%"]


def test_a_group_of_areas_is_summed_like_the_apis(login, analyst, population, no_suppression):
    client = login(analyst)
    response = page(client, "status-dag-365", omrade=["ume", "sdt"], **PAGE_PERIOD)

    rows = table_by_row(response.content.decode(), "table-bakgrund")
    api = get(client, "outcomes", area="sdt,ume", **PERIOD).json()["data"]["rows"]
    assert rows[("", "Totalt")][-2] == str(api["total"]["total"]["total"]) == "5"
    assert "Södertörn, Umeå, 2025-01–2025-02" in response.content.decode()
    assert entries().last().purpose == "rapport outcomes 2025-01–2025-02, områdena sdt, ume"


def test_without_a_choice_the_national_analyst_sees_the_nation(login, analyst, population):
    response = page(login(analyst), "nya-deltagare", **PAGE_PERIOD)

    assert response.status_code == 200
    assert "hela riket, 2025-01–2025-02" in response.content.decode()
    assert entries().get().purpose == "rapport inflow 2025-01–2025-02, riket"


def test_an_area_outside_the_scope_is_404_and_logged(login, management, other_area, population):
    response = page(login(management), "status-dag-365", omrade="ume", **PAGE_PERIOD)

    assert response.status_code == 404
    entry = entries().get()
    assert (entry.action, entry.area, entry.object_id) == (
        AccessLog.Action.DENIED,
        other_area,
        "ume",
    )


def test_an_unknown_report_is_404(login, management):
    assert login(management).get("/statistik/rapporter/tabell-9/").status_code == 404


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"fran": "2025-13", "till": "2025-02"}, "Ange månaden som ÅÅÅÅ-MM"),
        ({"fran": "2025-03", "till": "2025-02"}, "Slutmånaden får inte ligga före startmånaden."),
        ({"fran": "2020-01", "till": "2025-02"}, "Perioden får vara högst 36 månader."),
        ({"fran": "", "till": "2025-02"}, "Ange månaden som ÅÅÅÅ-MM"),
        ({"fran": "2025-01\x00", "till": "2025-02"}, "Null-tecken är inte tillåtna."),
    ],
)
def test_a_bad_period_is_told_and_nothing_is_computed(login, management, params, message):
    response = page(login(management), "status-dag-365", **params)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "tables" not in response.context
    assert not entries().exists()


def test_a_table_downloads_as_csv_logged_as_an_export(login, coordinator, population):
    response = page(
        login(coordinator), "status-dag-365", omrade="sdt", csv="bakgrund", **PAGE_PERIOD
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="samverkan-status-dag-365-2025-01_2025-02-sdt-bakgrund.csv"'
        in (response["Content-Disposition"])
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Grupp;Till arbete och utbildning: Antal;Till arbete och")
    assert "Totalt;2;50%;0;0%;1;25%;1;25%;4;100%" in lines
    entry = entries().get()
    assert entry.action == AccessLog.Action.EXPORT
    assert entry.purpose == "rapport outcomes 2025-01–2025-02, sdt (CSV)"


def test_an_unknown_table_is_404(login, coordinator, population):
    response = page(login(coordinator), "status-dag-365", csv="tabell-9", **PAGE_PERIOD)
    assert response.status_code == 404


def test_the_report_downloads_as_xlsx_with_numbers(login, coordinator, population):
    response = page(
        login(coordinator), "status-dag-365", omrade="sdt", format="xlsx", **PAGE_PERIOD
    )

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = zipfile.ZipFile(io.BytesIO(response.content))
    workbook = book.read("xl/workbook.xml").decode()
    assert len(re.findall(r"<sheet ", workbook)) == 4
    sheet = book.read("xl/worksheets/sheet1.xml").decode()
    # The Totalt row: counts and shares are numbers (0.5 for 50 %), not text.
    assert re.search(r"<c r=\"B\d+\"[^>]*><v>2</v></c><c r=\"C\d+\"[^>]*><v>0.5</v>", sheet)
    entry = entries().get()
    assert (entry.action, entry.purpose) == (
        AccessLog.Action.EXPORT,
        "rapport outcomes 2025-01–2025-02, sdt (XLSX)",
    )


def test_the_management_group_sees_small_cells_hidden(login, management, population):
    html = page(login(management), "status-dag-365", **PAGE_PERIOD).content.decode()

    rows = table_by_row(html, "table-bakgrund")
    # Four people: marked "<5", the bounds would give the women's 3 away (three categories of
    # at least 1 each, and at most 4 in all), so it and the counts it shares a sum with (the
    # total among them) read "dolt".
    assert rows[("", "Totalt")][-2] == "dolt"
    assert "Små celler visas inte" in html


def test_a_role_without_statistics_sees_no_figures(login, area, population):
    admin = staff("sysadmin", areas=[area], username="admin")

    response = page(login(admin), "status-dag-365", **PAGE_PERIOD)

    assert response.status_code == 200
    assert "Du ser inga områdens siffror." in response.content.decode()
    assert "tables" not in response.context
    assert not entries().exists()


@time_machine.travel("2026-12-07 10:00 +01:00", tick=False)
def test_without_a_period_the_last_twelve_whole_months_are_shown(login, management):
    response = page(login(management), "nya-deltagare")

    assert response.status_code == 200
    assert "Södertörn, 2025-12–2026-11" in response.content.decode()


# --- the joint mappings by benefit (Tabell 1 counts those on sjukpenning) ----------------------


def test_the_api_restricts_the_mappings_to_one_benefit_and_crosses_them(
    login, coordinator, population
):
    client = login(coordinator)

    every = get(client, "mappings", area="sdt", **PERIOD).json()["data"]
    on_sickness_benefit = get(client, "mappings", area="sdt", benefit="sjukpenning", **PERIOD)
    unknown = get(client, "mappings", area="sdt", benefit="unknown", **PERIOD).json()["data"]

    # h: FK, sjukpenning; i: AF, no benefit recorded
    assert every["benefit"] is None and every["rows"]["total"]["total"]["count"] == 2
    assert every["crossed"]["sjukpenning"] == {"FK": 1, "AF": 0}
    assert every["crossed"]["unknown"] == {"FK": 0, "AF": 1}
    data = on_sickness_benefit.json()["data"]
    assert data["benefit"] == "sjukpenning"
    assert data["rows"]["total"]["total"] == {"count": 1, "share": "100%"}
    assert data["rows"]["sick_leave_band"]["under_90"] == {"count": 1, "share": "100%"}
    assert unknown["rows"]["initiated_by"]["AF"]["count"] == 1
    purposes = list(entries().values_list("purpose", flat=True))
    assert purposes[1] == "rapport mappings 2025-01–2025-02, sdt, ersättning sjukpenning"


@pytest.mark.parametrize(
    ("user", "benefit", "message"),
    [
        ("coordinator", "sjuklön", "Okänd ersättning"),
        ("af_officer", "sjukpenning", "Ersättningen är Försäkringskassans uppgift"),
    ],
)
def test_a_benefit_that_cannot_be_asked_for_is_a_400(
    login, population, request, user, benefit, message
):
    client = login(request.getfixturevalue(user))

    response = get(client, "mappings", benefit=benefit, **PERIOD)

    assert response.status_code == 400
    assert message in response.json()["benefit"][0]
    assert not entries().filter(action=AccessLog.Action.VIEW).exists()


def test_an_af_officer_sees_no_crossing_by_benefit(login, af_officer, population):
    data = get(login(af_officer), "mappings", **PERIOD).json()["data"]
    assert "crossed" not in data and "benefit" not in data["rows"]
    page_ = page(login(af_officer), "kartlaggningar", **PAGE_PERIOD)
    assert "ersattning" not in page_.context["form"].fields
    assert 'data-testid="table-ersattning"' not in page_.content.decode()


def test_the_crossed_counts_are_suppressed_with_the_rest(login, management, population):
    data = get(login(management), "mappings", **PERIOD).json()["data"]
    # two mappings: every count of 1 hidden, the zeros shown
    assert data["crossed"]["sjukpenning"] == {"FK": None, "AF": 0}
    assert data["crossed"]["unknown"] == {"FK": 0, "AF": None}


def test_the_page_restricts_to_a_benefit(login, coordinator, population):
    response = page(
        login(coordinator), "kartlaggningar", omrade="sdt", ersattning="sjukpenning", **PAGE_PERIOD
    )

    html = response.content.decode()
    assert "Södertörn, sjukpenning, 2025-01–2025-02" in html
    rows = table_by_row(html, "table-kartlaggningar")
    assert rows[("", "Totalt")] == ["1", "100%"]
    assert ("Ersättning", "Sjukpenning") not in rows  # it would repeat the total
    assert table_by_row(html, "table-ersattning") == {("", "Sjukpenning"): ["1", "0", "1"]}
    assert entries().get().purpose == (
        "rapport mappings 2025-01–2025-02, sdt, ersättning sjukpenning"
    )
