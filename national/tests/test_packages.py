"""The reporting calendar (issue 20 point 6): the national group publishes each area's month
(the approved snapshot version stays what was published), and a tertial package's tables are
summed from the published snapshots, made by the task with its progress into PDF and XLSX and
kept with the versions it was made from. Figures worked out by hand in the comments."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from pypdf import PdfReader

from accounts.tests.factories import staff
from national import packages
from national.models import PublishedMonth, ReportPackage
from national.publishing import month_publish, published_snapshots
from reporting.snapshot_sums import summed
from reporting.snapshots import snapshot_compute
from reporting.tests.test_dashboard import started
from reporting.views.table_xlsx import xlsx_bytes  # noqa: F401 (the XLSX is read back below)
from samverkan.services import AccessContext

pytestmark = pytest.mark.django_db

JAN, FEB, MAR, APR = (dt.date(2025, m, 1) for m in (1, 2, 3, 4))


def publish(user, area, month):
    return month_publish(context=AccessContext.for_user(user), area=area, month=month)


@pytest.fixture
def national(db):
    """The national samverkansgrupp: publishes months and orders packages."""
    return staff("national_steering", username="nationella")


@pytest.fixture
def tertial(area, other_area, national):
    """Södertörn: 6 new participants in January, 7 in February, both months published; after
    January was published 2 more January starts were registered late and January recomputed
    (version 2, not published). Umeå: 5 in January, published; February computed, not
    published. March and April: nothing computed."""
    started(area, dt.date(2025, 1, 10), 6)
    started(area, dt.date(2025, 2, 3), 7, sex="M")
    started(other_area, dt.date(2025, 1, 20), 5)
    for place in (area, other_area):
        snapshot_compute(area=place, month=JAN)
        snapshot_compute(area=place, month=FEB)
    publish(national, area, JAN)
    publish(national, area, FEB)
    publish(national, other_area, JAN)
    started(area, dt.date(2025, 1, 12), 2)
    snapshot_compute(area=area, month=JAN)  # version 2
    return {"area": area, "other": other_area}


def inflow_total(figures_list):
    return summed("inflow", figures_list)["period"]["all"]["count"]


def test_the_package_sums_the_published_snapshots_not_the_newer_versions(tertial, area, other_area):
    published = published_snapshots(months=[JAN, FEB, MAR, APR])
    assert {m: s.version for m, s in published[area.pk].items()} == {JAN: 1, FEB: 1}
    assert {m: s.version for m, s in published[other_area.pk].items()} == {JAN: 1}
    sdt = [s.figures for s in published[area.pk].values()]
    ume = [s.figures for s in published[other_area.pk].values()]
    # Södertörn 6 + 7 = 13 (the 2 late January starts are in version 2 only), Umeå 5, riket 18
    assert inflow_total(sdt) == 13
    assert inflow_total(ume) == 5
    assert inflow_total(sdt + ume) == 18
    # the package's figures for an area are its snapshots' figures, month by month
    assert inflow_total(sdt) == sum(f["inflow"]["period"]["all"]["count"] for f in sdt)
    women_men = summed("inflow", sdt)["period"]
    assert (women_men["K"]["count"], women_men["M"]["count"]) == (6, 7)


def test_a_sum_of_one_snapshot_is_that_snapshot(tertial, area):
    """Every kind summed over one snapshot gives back the snapshot's own figures."""
    [january] = [s for m, s in published_snapshots(months=[JAN])[area.pk].items()]
    for kind, part in (
        ("inflow", "inflow"),
        ("outcomes", "outcomes"),
        ("average_days", "average_days"),
        ("mappings", "mapping_stats"),
    ):
        got, stored = summed(kind, [january.figures]), january.figures[part]
        assert got["rows"] == stored["rows"], kind


def test_a_tertial_package_is_made_with_its_tables_and_sources(
    tertial, area, other_area, national, django_capture_on_commit_callbacks
):
    from funds.models import ActivityCategory, Consumption

    # FK's consumption of the period: 1 500 000 kr in January, 250 400 kr in April in two areas
    kartlaggning = ActivityCategory.objects.get(code="gemensam-kartlaggning")
    for month, where, amount in ((JAN, area, 1_500_000), (APR, other_area, 250_400)):
        Consumption.objects.create(
            month=month, area=where, category=kartlaggning, amount=amount, source="form"
        )
    with django_capture_on_commit_callbacks(execute=True):
        package = packages.package_order(
            context=AccessContext.for_user(national), kind="tertial", year=2025, tertial=1
        )
    package.refresh_from_db()
    assert (package.state, package.progress) == ("done", 100)
    assert (package.first_month, package.last_month) == (JAN, APR)
    sdt_jan = PublishedMonth.objects.get(area=area, month=JAN).snapshot
    assert package.sources["sdt"]["2025-01"] == [sdt_jan.pk, 1]
    assert set(package.sources["sdt"]) == {"2025-01", "2025-02"}
    assert package.missing == {
        "sdt": ["2025-03", "2025-04"],
        "ume": ["2025-02", "2025-03", "2025-04"],
    }

    content = packages.package_content(package)
    names = [place.name for place in content.places]
    assert names == ["Riket", "Alla samverkansområden", "Södertörn", "Umeå"]

    def inflow_sum(place):
        table = next(t for t in place.tables if t.key == "manader")
        period = next(row for row in table.rows if row.header.text == "Hela perioden")
        return period.cells[0].text  # everyone new in the period

    assert [inflow_sum(place) for place in content.places] == ["18", "18", "13", "5"]

    pdf = bytes(ReportPackage.objects.get(pk=package.pk).pdf)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Tertialrapport 1 2025" in text and "Södertörn" in text
    assert "tabell 7 och 8" in text.lower()
    # Tabell 7 for the nation: 1 750 400 kr = 1 750 tkr of FK's joint mappings in the period
    fk = next(t for t in content.funds if t.key == "forbrukning-fk")
    row = next(r for r in fk.rows if r.header.text.startswith("Gemensam kartläggning"))
    assert row.cells[0].text == "1\xa0750"
    assert bytes(ReportPackage.objects.get(pk=package.pk).xlsx).startswith(b"PK")


def test_a_month_is_published_once_and_stays(tertial, area, national, management, analyst):
    with pytest.raises(ValidationError, match="redan publicerad"):
        publish(national, area, JAN)
    # only the national group publishes: not the area's management, nor an analyst who reads
    # the national figures
    for other in (management, analyst):
        with pytest.raises(PermissionDenied):
            publish(other, area, MAR)
    with pytest.raises(ValidationError, match="ingen ögonblicksbild"):
        publish(national, area, MAR)
    with pytest.raises(DatabaseError), transaction.atomic():
        PublishedMonth.objects.filter(area=area, month=JAN).update(month=MAR)
    assert PublishedMonth.objects.get(area=area, month=JAN).snapshot.version == 1


def test_only_the_national_group_reaches_the_calendar(
    tertial, national, management, coordinator, login
):
    url = reverse("national:calendar")
    page = login(national).get(url, {"manad": "2025-01"})
    assert page.status_code == 200
    rows = {row["area"].code: row for row in page.context["rows"]}
    assert rows["sdt"]["newest"] == 2 and rows["sdt"]["published"].snapshot.version == 1
    assert "nyare version finns" in page.content.decode()
    assert login(management).get(url).status_code == 403
    assert login(coordinator).get(url).status_code == 403
    assert login(coordinator).post(reverse("national:publish"), {}).status_code == 403


def test_publishing_from_the_page_and_a_bad_month(tertial, other_area, national, login):
    client = login(national)
    done = client.post(reverse("national:publish"), {"omrade": "ume", "manad": "2025-02"})
    assert done.status_code == 302
    assert PublishedMonth.objects.filter(area=other_area, month=FEB).exists()
    bad = client.post(reverse("national:publish"), {"omrade": "ume", "manad": "februari"})
    assert bad.status_code == 302 and PublishedMonth.objects.count() == 4


def test_an_order_shows_its_progress_and_files_only_to_the_national_group(
    tertial, national, management, login, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(packages, "package_pdf", lambda html: b"%PDF-1.7 stand-in")
    client = login(national)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("national:calendar"), {"kind": "tertial", "year": "2025", "tertial": "1"}
        )
    package = ReportPackage.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "national:package", args=[package.pk]
    )
    status = client.get(reverse("national:package_status", args=[package.pk])).json()
    assert (status["state"], status["percent"]) == ("done", 100)
    pdf = client.get(reverse("national:package_pdf", args=[package.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("national:package_xlsx", args=[package.pk]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert login(management).get(reverse("national:package", args=[package.pk])).status_code == 404
    # a tertial needs its number
    again = client.post(reverse("national:calendar"), {"kind": "tertial", "year": "2025"})
    assert again.status_code == 200 and ReportPackage.objects.count() == 1


def test_the_groups_of_areas_are_the_regions(area, other_area, db):
    from accounts.models import Agency, Region

    # with no region stored: one group of every active area
    assert packages.default_groups() == [
        ["Alla samverkansområden", sorted([area.code, other_area.code])]
    ]
    region = Region.objects.create(
        agency=Agency.objects.get(code="FK"), code="vo-syd", name="Verksamhetsområde Syd"
    )
    region.areas.set([area])
    Region.objects.create(agency=Agency.objects.get(code="AF"), code="mo-tom", name="Tomt")

    # then each region with areas is a group, named with its agency
    assert packages.default_groups() == [["Verksamhetsområde Syd (FK)", [area.code]]]
