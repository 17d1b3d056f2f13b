"""The follow-up pages for a management-group user (no case access): the deviation report
hides what the dashboard hides, and odd area codes are a 404, not a server error."""

import datetime as dt

import pytest
from django.urls import reverse

# --- 3. the deviation report linked from the dashboard shows what the dashboard hides ---------


@pytest.mark.django_db
def test_deviation_report_shows_the_inflow_the_dashboard_hides(area, management, login):
    from reporting.deviations import deviations_detect
    from reporting.models import WorkPlan
    from reporting.snapshots import snapshot_compute

    from .test_dashboard import started, table

    WorkPlan.objects.create(area=area, year=2025, planned_inflow=[10] * 12)
    months = [dt.date(2025, m, 1) for m in (1, 2, 3)]
    for month in months:
        started(area, month.replace(day=5), 3)
        snapshot_compute(area=area, month=month)
    (report,) = deviations_detect(area=area, month=months[-1])
    client = login(management)

    dashboard = client.get(reverse("reporting:overview"))
    assert table(dashboard, "inflode")["2025-03"][0] == "<5"
    detail = client.get(reverse("reporting:deviation_detail", args=[report.pk]))

    assert detail.status_code == 200
    rows = detail.context["figures"]["rows"]
    assert all(row[1] != 3 for row in rows), f"the hidden inflow of 3 is shown: {rows}"


# --- 4. bad input -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dashboard_area_with_a_nul_character_is_not_a_500(area, management, login):
    client = login(management)
    client.raise_request_exception = False

    response = client.get(reverse("reporting:overview"), {"omrade": "sdt\x00"})

    assert response.status_code == 404


# --- 5. two API answers: the period one month longer minus the shorter one --------------------
