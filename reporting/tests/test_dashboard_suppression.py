"""Small cells on the dashboard (SPEC §5, §7): roles without case access (the management group,
the analyst) see every month's figures through reporting.suppression; a hidden count is "<5" in
the tables and the CSV, a figure computed from one is "dolt", and both are gaps in the charts.
Roles with case access see the exact figures."""

import datetime as dt

import pytest
from django.urls import reverse

from reporting import charts
from reporting.snapshots import snapshot_compute
from reporting.views import dashboard_sections

from .test_dashboard import csv_rows, started, table

# Every test here needs the database, some through fixtures looked up at run time: marked, so
# pytest-django runs them before the transactional tests that flush the reference data.
pytestmark = pytest.mark.django_db

URL = reverse("reporting:overview")
JAN, FEB, MAR = dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)


@pytest.fixture
def small_february(area):
    """New participants: 6 in January, 3 in February, 7 in March (all women), all snapshotted."""
    started(area, dt.date(2025, 1, 10), 6)
    started(area, dt.date(2025, 2, 3), 3)
    started(area, dt.date(2025, 3, 4), 7)
    for month in (JAN, FEB, MAR):
        snapshot_compute(area=area, month=month)


def test_a_cell_of_three_shows_as_under_five_for_management_and_as_three_for_a_coordinator(
    area, management, coordinator, login, small_february
):
    managers_page = login(management).get(URL)
    coordinators_page = login(coordinator).get(URL)

    # February's 3 new participants
    assert table(managers_page, "inflode")["2025-02"][0] == "<5"
    assert table(coordinators_page, "inflode")["2025-02"][0] == "3"
    # with the explanation on the page, for the management group only
    assert "&lt;5" in managers_page.content.decode()
    assert 'data-testid="small-cell-note"' in managers_page.content.decode()
    assert 'data-testid="small-cell-note"' not in coordinators_page.content.decode()
    # January's 6 and March's 7 are shown to both
    assert table(managers_page, "inflode")["2025-01"][0] == "6"
    assert table(managers_page, "inflode")["2025-03"][0] == "7"


def test_the_csv_hides_the_same_cells_as_the_page(
    area, management, coordinator, login, small_february
):
    params = {"omrade": area.code, "csv": "inflode"}

    managers = {row[0]: row for row in csv_rows(login(management).get(URL, params))}
    coordinators = {row[0]: row for row in csv_rows(login(coordinator).get(URL, params))}

    assert managers["2025-02"][1] == "<5" and coordinators["2025-02"][1] == "3"


def test_the_analyst_sees_the_nation_suppressed_too(area, analyst, login, small_february):
    snapshot_compute(area=None, month=FEB)

    response = login(analyst).get(URL)

    assert table(response, "inflode")["2025-02"][0] == "<5"


def hide_february_inflow(kind, data):
    """A stand-in for the suppression algorithm: hides exactly February's new-participant count
    (3), so the test shows what the page does with a hidden value, whatever the algorithm."""
    data = {**data}
    if kind == "inflow" and data["period"]["all"]["count"] == 3:
        hidden = {"count": None, "young": 0, "young_share": None, "hidden_as": {"count": "small"}}
        data["period"] = {**data["period"], "all": hidden}
    return data


def test_a_hidden_count_is_under_five_its_derived_figures_hidden_and_a_gap_in_the_chart(
    area, management, login, small_february, monkeypatch
):
    from reporting.models import WorkPlan

    WorkPlan.objects.create(area=area, year=2025, planned_inflow=[5] * 12)
    monkeypatch.setattr("reporting.suppression.suppress_report", hide_february_inflow)
    drawn, draw = [], charts.line_chart

    def spy(**kwargs):
        drawn.append(kwargs)
        return draw(**kwargs)

    monkeypatch.setattr(dashboard_sections.charts, "line_chart", spy)

    response = login(management).get(URL)

    # the count, its share of the plan and the comparison with the plan are all hidden
    row = table(response, "inflode")["2025-02"]
    assert row[:4] == ["<5", "5", "dolt", "dolt"]
    assert table(response, "unga")["2025-02"][:3] == ["<5", "0", "dolt"]
    # and February is a gap in the inflow line, not a zero
    inflow_chart = drawn[0]
    assert [s.values for s in inflow_chart["series"]][0] == [6, None, 7]
    # the hidden cell carries its explanation
    assert '<abbr class="hidden-cell" title="Färre än 5 personer' in response.content.decode()


def test_roles_with_case_access_are_never_suppressed(
    area, coordinator, login, small_february, monkeypatch
):
    calls = []
    monkeypatch.setattr("reporting.suppression.suppress_report", lambda *args: calls.append(args))

    login(coordinator).get(URL)

    assert calls == []
