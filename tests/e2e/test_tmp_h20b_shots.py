"""Temporary (not committed): screenshots of the new pages at 1366×768."""

import datetime as dt

import pytest

from cases.models import Case, RegistrationModel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_shots(page, live_server, login_as):
    # Some of Södertörn's older cases as if registered under the 2008 model: a mixed period.
    old = Case.objects.filter(area__code="sdt", start_date__lt=dt.date.today() - dt.timedelta(days=200))
    ids = list(old.values_list("pk", flat=True)[:20])
    Case.objects.filter(pk__in=ids).update(registration_model=RegistrationModel.INTRODUCTION_TRIAL)
    one = Case.objects.filter(area__code="sdt", start_date__isnull=False, end_date__isnull=True).first()
    Case.objects.filter(pk=one.pk).update(sus_registered_on=dt.date.today(), sus_id="SUS-4711")
    login_as(page, live_server, "samordnare.sdt")
    page.goto(f"{live_server.url}/ej-registrerade/")
    page.screenshot(path="/tmp/h20b_not_registered.png", full_page=False)
    page.screenshot(path="/tmp/h20b_not_registered_full.png", full_page=True)
    page.goto(f"{live_server.url}/arenden/{one.pk}/")
    page.screenshot(path="/tmp/h20b_case.png", full_page=True)
    page.goto(f"{live_server.url}/arenden/{one.pk}/andra/")
    page.screenshot(path="/tmp/h20b_case_edit.png", full_page=True)
    today = dt.date.today()
    page.goto(
        f"{live_server.url}/statistik/rapporter/nya-deltagare/?fran={today.year - 1}-01&till={today.year - 1}-12&omrade=sdt"
    )
    page.screenshot(path="/tmp/h20b_report.png", full_page=False)
    page.goto(f"{live_server.url}/")
    page.screenshot(path="/tmp/h20b_worklist.png", full_page=False)
