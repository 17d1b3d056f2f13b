"""The funds in the management group's monthly report (registered by funds.apps with
reporting.monthly_report.content): the area's year through the report's month, money shown
at every level."""

import datetime as dt

from funds.models import ActivityCategory, Allocation, Consumption
from reporting.models import MonthlyReportDocument
from reporting.monthly_report.content import dashboard_part
from reporting.snapshots import snapshot_compute


def test_the_monthly_report_holds_the_years_funds_of_the_area(area, management):
    hpl = ActivityCategory.objects.get(code="hpl-fran-2011")
    for month, amount in ((dt.date(2025, 1, 1), 1000), (dt.date(2025, 2, 1), 2000)):
        Consumption.objects.create(
            area=area, category=hpl, month=month, amount=amount, source="form"
        )
    Allocation.objects.create(year=2025, area=area, category=hpl, amount=12000)
    snapshot = snapshot_compute(area=area, month=dt.date(2025, 2, 1))[0]
    document = MonthlyReportDocument(
        area=area, month=dt.date(2025, 2, 1), snapshot=snapshot, hides_small_cells=True
    )
    sections = {s.key: s for s in dashboard_part(document=document, reader=management)}
    funds = sections["medel"]
    fk = next(t for t in funds.tables if t.key == "forbrukning-fk")
    rows = {row.header.text: row.cells for row in fk.rows}
    # January and February together: 3 tkr of the year's 12
    assert rows["Kvarvarande HPL-samverkan från 2011"][0].value == 3
    assert rows["Totalt"][1].value == 12
