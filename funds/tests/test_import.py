"""The consumption import (imports.kinds.consumption; docs/funds.md): all or nothing, idempotent,
one Swedish reason per bad line, the same rules as the coordinator's form (funds.services)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AccessLog
from funds.models import ActivityCategory, Consumption
from imports.results import ImportRejected

from .conftest import load

HEADER = "month;agency;area_code;activity;amount\n"


def csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


def rejected(user, data: bytes, today=None) -> dict[int, list[tuple[str, str]]]:
    with pytest.raises(ImportRejected) as caught:
        load(user, "fil.csv", data=data, today=today)
    return {row.line: row.problems for row in caught.value.rows}


def test_a_good_file_is_written_with_history_and_logged_per_area(coordinator, area):
    result = load(coordinator, "fk.csv", data=csv("2012-04;FK;sdt;hpl-fran-2011;29 763 000,50"))
    assert (result.rows, result.created) == (1, 1)
    stored = Consumption.objects.get()
    assert stored.amount == 29763000.50 and stored.month == dt.date(2012, 4, 1)
    assert stored.source == Consumption.Source.IMPORT and stored.created_by == coordinator
    assert stored.history.get().history_change_reason == "import consumption"
    logged = AccessLog.objects.filter(user=coordinator, area_id=area.pk, object_type="import")
    assert logged.count() == 1


def test_one_bad_line_rejects_the_file_with_a_swedish_reason_per_line(coordinator):
    lines = rejected(
        coordinator,
        csv(
            "2012-04;FK;sdt;hpl-fran-2011;1000",
            "2012-13;FK;sdt;hpl-fran-2011;1000",
            "2012-04;XX;sdt;hpl-fran-2011;1000",
            "2012-04;FK;sdt;okand;1000",
            "2012-04;FK;sdt;insatser-med-af;ett tusen",
            "2012-04;FK;zzz;insatser-med-af;1000",
            "2012-04;FK;sdt;hpl-fran-2011;2000",
        ),
    )
    assert Consumption.objects.count() == 0
    assert set(lines) == {3, 4, 5, 6, 7, 8}
    assert lines[3] == [("month", "Ange månaden som ÅÅÅÅ-MM, till exempel 2026-04.")]
    assert lines[4][0][0] == "agency" and "FK eller AF" in lines[4][0][1]
    assert lines[5][0][0] == "activity" and "Okänd verksamhet 'okand' för FK" in lines[5][0][1]
    assert lines[6][0][0] == "amount" and "kronor" in lines[6][0][1]
    assert lines[7] == [("area_code", "Okänt samverkansområde 'zzz'.")]
    assert "Samma månad, område och verksamhet som rad 2." in lines[8][0][1]


def test_importing_again_creates_nothing_and_another_amount_is_refused(coordinator):
    data = csv("2012-04;FK;sdt;hpl-fran-2011;1000")
    load(coordinator, "a.csv", data=data)
    again = load(coordinator, "a.csv", data=data)
    assert (again.created, again.existing) == (0, 1)
    lines = rejected(coordinator, csv("2012-04;FK;sdt;hpl-fran-2011;1500"))
    assert "finns redan med andra uppgifter i amount" in lines[2][0][1]
    assert Consumption.objects.get().amount == 1000


def test_a_coordinator_imports_only_their_agencys_consumption(coordinator, af_coordinator):
    # the root conftest's coordinator is FK's
    lines = rejected(coordinator, csv("2012-04;AF;sdt;aktivitetsstod;1000"))
    assert lines[2][0][0] == "agency" and "egen myndighets" in lines[2][0][1]
    assert load(af_coordinator, "af.csv", data=csv("2012-04;AF;sdt;aktivitetsstod;1000")).created


def test_another_area_a_future_month_and_a_retired_activity_are_refused(coordinator, other_area):
    ActivityCategory.objects.filter(code="insatser-med-af").update(is_active=False)
    lines = rejected(
        coordinator,
        csv(
            "2012-04;FK;ume;hpl-fran-2011;1000",
            "2012-05;FK;sdt;hpl-fran-2011;1000",
            "2012-04;FK;sdt;insatser-med-af;1000",
        ),
        today=dt.date(2012, 4, 30),
    )
    assert lines[2] == [("area_code", "Du kan inte importera till samverkansområdet 'ume'.")]
    assert lines[3] == [("month", "Månaden får inte ligga i framtiden.")]
    assert lines[4] == [
        ("activity", "Verksamheten Insatser i samarbete med Af används inte längre.")
    ]


def test_officers_and_management_may_not_import(fk_officer, management):
    for user in (fk_officer, management):
        with pytest.raises(PermissionDenied):
            load(user, "a.csv", data=csv("2012-04;FK;sdt;hpl-fran-2011;1000"))


def test_the_command_line_imports_both_agencies_files(area, capsys):
    # given both tables' files, when an operator imports them on the server (every area, both
    # agencies), then each is written once and says so
    from django.core.management import call_command

    from .conftest import DATA

    for name in ("tabell7_fk_2012.csv", "tabell8_af_2012.csv"):
        call_command("import_data", "consumption", str(DATA / name))
    assert Consumption.objects.filter(category__agency__code="FK").count() == 5
    assert Consumption.objects.filter(category__agency__code="AF").count() == 5
    assert "consumption: 5 rader, 5 nya, 0 fanns redan." in capsys.readouterr().out


def test_the_import_page_offers_the_consumption_format(coordinator, login):
    page = login(coordinator).get("/import/").content.decode()
    assert "month;agency;area_code;activity;amount" in page
    assert "Förbrukning av medel" in page
