"""The status report by office (SPEC §5 "Status report": by area, office and sex): a breakdown of
each area by FK's lokala försäkringscenter and one by AF's arbetsmarknadsområden, computed by
hand here; in the report API and on the report page, suppressed with the area rows, and never
an office of an area outside the reader's scope."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import OfficeUnit
from reporting.metrics import status_report, status_report_period
from reporting.suppression import suppress_report

from .html_tables import table_by_row
from .test_metrics_given import case, mapping, person, status
from .test_metrics_status import row

DAY = dt.date(2025, 3, 31)


@pytest.fixture
def population(area, other_area):
    """Södertörn: LFC Söder and LFC Norr, AMO Södertörn; Umeå: its LFC and AMO."""
    lfc_s = OfficeUnit.objects.create(area=area, kind="LFC", code="sdt-lfc-s", name="LFC Söder")
    lfc_n = OfficeUnit.objects.create(area=area, kind="LFC", code="sdt-lfc-n", name="LFC Norr")
    amo = OfficeUnit.objects.create(area=area, kind="AMO", code="sdt-amo", name="AMO Södertörn")
    ume_lfc = OfficeUnit.objects.create(
        area=other_area, kind="LFC", code="ume-lfc", name="LFC Umeå"
    )
    with time_machine.travel(dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        # a woman active at LFC Söder and the AMO; a man active at LFC Norr, no AMO recorded
        case(
            person=person(area=area, sex="K"),
            start=dt.date(2025, 1, 1),
            fk_office=lfc_s,
            af_office=amo,
        )
        case(person=person(area=area, sex="M"), start=dt.date(2025, 2, 1), fk_office=lfc_n)
        # a woman ended on the day into work, LFC Söder and the AMO
        ended = person(area=area, sex="K")
        case(person=ended, start=dt.date(2024, 6, 1), end=DAY, fk_office=lfc_s, af_office=amo)
        status(ended, dt.date(2025, 3, 20), "work_unsubsidised")
        # a woman in a mapping at LFC Söder, no AMO recorded; a man waiting, no office at all
        mapping(
            person=person(area=area, sex="K"),
            first_meeting=dt.date(2025, 3, 10),
            requested_on=dt.date(2025, 3, 1),
            fk_office=lfc_s,
        )
        mapping(
            person=person(area=area, sex="M"), first_meeting=None, requested_on=dt.date(2025, 3, 20)
        )
        # Umeå: a man active at its LFC
        case(person=person(area=other_area, sex="M"), start=dt.date(2025, 1, 1), fk_office=ume_lfc)


WORK = {"work_unsubsidised": 1, "work_or_education": 1}


def test_each_area_is_broken_down_by_its_lfcs_and_by_its_amos(area, other_area, population):
    report = status_report(day=DAY, area_ids=[area.pk])
    sdt = str(area.pk)

    lfc = report["offices"]["LFC"][sdt]
    assert list(lfc) == ["sdt-lfc-n", "sdt-lfc-s", "unknown"]
    assert lfc["sdt-lfc-s"]["all"] == row(
        in_mapping=1, active=1, ended=1, ended_occupation=WORK
    )  # fmt: skip
    assert lfc["sdt-lfc-s"]["K"] == lfc["sdt-lfc-s"]["all"]
    assert lfc["sdt-lfc-s"]["M"] == row()
    assert lfc["sdt-lfc-n"]["M"] == row(active=1)
    assert lfc["unknown"]["all"] == row(waiting_for_mapping=1, waiting=1)
    amo = report["offices"]["AMO"][sdt]
    assert list(amo) == ["sdt-amo", "unknown"]
    assert amo["sdt-amo"]["K"] == row(active=1, ended=1, ended_occupation=WORK)
    assert amo["unknown"]["all"] == row(in_mapping=1, active=1, waiting_for_mapping=1, waiting=1)
    assert amo["unknown"]["M"] == row(active=1, waiting_for_mapping=1, waiting=1)
    # within one kind, the area's offices add up to the area
    for by_office in (lfc, amo):
        assert sum(block["all"]["active"] for block in by_office.values()) == 2
    assert report["areas"][sdt]["all"]["active"] == 2
    # an area asked for alone has none of the other area's offices
    assert set(report["offices"]["LFC"]) == {sdt}

    nation = status_report(day=DAY, area_ids=None)
    assert nation["offices"]["LFC"][str(other_area.pk)] == {
        "ume-lfc": {"all": row(active=1), "K": row(), "M": row(active=1)}
    }
    assert nation["offices"]["AMO"][str(other_area.pk)]["unknown"]["M"] == row(active=1)


def test_a_period_has_the_same_breakdown(area, population):
    report = status_report_period(months=[dt.date(2025, 3, 1)], area_ids=[area.pk])

    assert report["offices"]["AMO"][str(area.pk)]["sdt-amo"]["all"]["ended"] == 1


def test_office_counts_are_suppressed_and_tied_to_the_area_rows(area, population):
    shown = suppress_report("status", status_report(day=DAY, area_ids=[area.pk]))

    lfc = shown["offices"]["LFC"][str(area.pk)]
    assert lfc["sdt-lfc-s"]["all"]["active"] is None  # one woman
    assert lfc["sdt-lfc-n"]["M"]["active"] is None
    # every count here is 1 or 0; a 0 is shown, never hidden
    assert lfc["sdt-lfc-s"]["M"]["active"] == 0


def _page(client, **params):
    return client.get(
        reverse("reporting:report", args=["statusrapport"]),
        {"fran": "2025-03", "till": "2025-03", **params},
    )


def test_the_page_shows_the_office_rows_by_name_grouped_per_area(login, coordinator, population):
    html = _page(login(coordinator)).content.decode()

    lfc = table_by_row(html, "table-kontor-lfc")
    assert lfc[("Södertörn", "LFC Söder")][:3] == ["1", "0", "1"]  # mapping, waiting, active
    assert lfc[("Södertörn", "LFC Söder, kvinnor")][-2:] == ["1", "1"]  # ended, in work
    assert lfc[("Södertörn", "LFC Norr, män")][2] == "1"
    assert lfc[("Södertörn", "Kontor inte registrerat")][1] == "1"
    amo = table_by_row(html, "table-kontor-amo")
    assert amo[("Södertörn", "AMO Södertörn")][2] == "1"
    assert "Umeå" not in html and "ume-lfc" not in html and "sdt-lfc-s" not in html


def test_the_management_group_sees_its_own_offices_with_small_cells_hidden(
    login, management, population
):
    response = _page(login(management))
    html = response.content.decode()

    lfc = table_by_row(html, "table-kontor-lfc")
    # Checked with the area's hidden counts, whose size the office rows cannot say: "dolt".
    assert lfc[("Södertörn", "LFC Söder")][2] == "dolt"
    assert "LFC Umeå" not in html
    # the report API: only the area's offices, by the area's code
    api = login(management).get(reverse("api:report-status"), {"day": "2025-03-31"}).json()
    assert set(api["data"]["offices"]["LFC"]) == {"sdt"}
    assert set(api["data"]["offices"]["LFC"]["sdt"]) == {"sdt-lfc-n", "sdt-lfc-s", "unknown"}


def test_an_office_row_never_gives_away_a_count_hidden_in_its_areas_row():
    # given an area whose records are all at one LFC: the office's row is the area's row
    def block(women, men):
        return {"all": row(active=women + men), "K": row(active=women), "M": row(active=men)}

    data = {
        "day": "2025-03-31",
        "total": block(3 + 6, 9 + 7),
        "areas": {"1": block(3, 9), "2": block(6, 7)},
        "offices": {"LFC": {"1": {"lfc-1": block(3, 9)}, "2": {"lfc-2": block(6, 7)}}},
    }

    # when suppressed
    shown = suppress_report("status", data)

    # then what the area row hides (the 3 women, and a count with them) the office row hides
    area = shown["areas"]["1"]
    office = shown["offices"]["LFC"]["1"]["lfc-1"]
    hidden_in_area = {sex for sex in area if area[sex]["active"] is None}
    assert "K" in hidden_in_area and len(hidden_in_area) == 2
    assert {sex for sex in office if office[sex]["active"] is None} == hidden_in_area
