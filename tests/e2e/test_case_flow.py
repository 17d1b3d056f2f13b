"""Issue 3's flow in a real browser: an FK officer registers a person, opens a case, moves it
through every phase (the illegal move refused on the way), closes it; an officer of another area
cannot see it."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from cases.tests.factories import make_personnummer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_fk_officer_runs_a_case_from_registration_to_closing(page, live_server, login_as):
    today = dt.date.today()
    number = make_personnummer(dt.date(1990, 5, 17), serial=123)
    pretty = f"{number[:8]}-{number[8:]}"
    login_as(page, live_server, "fk.sdt")

    # register a person
    page.goto(f"{live_server.url}/personer/ny/")
    page.fill("#id_personnummer", pretty)
    page.fill("#id_first_name", "Elsa")
    page.fill("#id_last_name", "Flödesson")
    _submit(page, re.compile("Registrera|Spara"))
    expect(page.locator("h1")).to_contain_text("Elsa Flödesson")
    assert number not in page.url and pretty not in page.url
    person_url = page.url

    # open a case in the referral phase, presented in the preparation group five days ago
    page.get_by_role("link", name=re.compile("Öppna ärende")).click()
    page.check("input[name=phase][value=referred]")
    page.fill("#id_referral_date", (today - dt.timedelta(days=5)).isoformat())
    page.select_option("#id_fk_officer", index=1)
    page.select_option("#id_af_officer", index=1)
    _submit(page, re.compile("Öppna|Spara"))
    expect(page.locator("body")).to_contain_text("Anmäld till beredningsgrupp")
    case_url = page.url
    assert "/arenden/" in case_url

    def move(phase_value, days_ago):
        page.goto(f"{case_url}fas/")
        page.check(f"input[name=to_phase][value={phase_value}]")
        page.fill("#id_on", (today - dt.timedelta(days=days_ago)).isoformat())
        _submit(page, re.compile("Byt fas|Spara"))

    move("needs_analysis", 3)
    expect(page.locator("body")).to_contain_text("Behovsanalys")

    # the illegal move: introduction and trial without an individual plan
    move("introduction_trial", 2)
    expect(page.locator("body")).to_contain_text("En individuell plan måste finnas")

    page.goto(f"{case_url}plan/ny/")
    page.fill("#id_goal", "Arbete inom vården på halvtid.")
    page.fill("#id_activities", "Arbetsprövning och vägledning.")
    _submit(page, re.compile("Spara"))

    move("introduction_trial", 2)
    expect(page.locator("body")).to_contain_text("Introduktion och prövning")
    move("work_oriented", 1)
    expect(page.locator("body")).to_contain_text("Arbetslivsinriktade insatser")

    # close it
    page.goto(f"{case_url}avsluta/")
    page.fill("#id_on", today.isoformat())
    page.select_option("#id_exit_reason", "completed")
    _submit(page, re.compile("Avsluta|Spara"))
    expect(page.locator("body")).to_contain_text("Avslutad")
    # the closing documentation is now due (rule 5)
    expect(page.locator("body")).to_contain_text("Upprätta slutdokumentationen")

    # an officer of another area cannot see the person or the case
    page.get_by_role("button", name="Logga ut").click()
    login_as(page, live_server, "fk.ume")
    for url in (case_url, person_url):
        response = page.goto(url)
        assert response.status == 404
        expect(page.locator("h1")).to_have_text("Sidan finns inte")
