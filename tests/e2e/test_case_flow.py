"""Issue 3's flow in a real browser: an FK officer registers a person, opens a case, moves it
through every phase (the illegal move refused on the way), closes it; an officer of another area
cannot see it.

Every page the test loads is checked with axe-core and photographed by the `tour` fixture."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from cases.tests.factories import make_personnummer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_fk_officer_runs_a_case_from_registration_to_closing(page, live_server, login_as, tour):
    today = dt.date.today()
    number = make_personnummer(dt.date(1990, 5, 17), serial=123)
    pretty = f"{number[:8]}-{number[8:]}"
    login_as(page, live_server, "fk.sdt")
    tour.check("start fk.sdt")

    # register a person
    page.goto(f"{live_server.url}/personer/ny/")
    tour.check("ny person")
    page.fill("#id_personnummer", pretty)
    page.fill("#id_first_name", "Elsa")
    page.fill("#id_last_name", "Flödesson")
    _submit(page, re.compile("Registrera|Spara"))
    tour.check("personen")
    expect(page.locator("h1")).to_contain_text("Elsa Flödesson")
    assert number not in page.url and pretty not in page.url
    person_url = page.url

    # open a case in the referral phase, presented in the preparation group five days ago
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Öppna ärende")).click()
    tour.check("öppna ärende")
    page.check("input[name=phase][value=referred]")
    page.fill("#id_referral_date", (today - dt.timedelta(days=5)).isoformat())
    page.select_option("#id_fk_officer", index=1)
    page.select_option("#id_af_officer", index=1)
    _submit(page, re.compile("Öppna|Spara"))
    tour.check("ärendet")
    expect(page.locator("body")).to_contain_text("Anmäld till beredningsgrupp")
    case_url = page.url
    assert "/arenden/" in case_url

    def move(phase_value, days_ago):
        page.goto(f"{case_url}fas/")
        tour.check("byt fas")
        page.check(f"input[name=to_phase][value={phase_value}]")
        page.fill("#id_on", (today - dt.timedelta(days=days_ago)).isoformat())
        _submit(page, re.compile("Byt fas|Spara"))
        tour.check(f"efter fasbyte {phase_value}")

    move("needs_analysis", 3)
    expect(page.locator("body")).to_contain_text("Behovsanalys")

    # the illegal move: introduction and trial without an individual plan
    move("introduction_trial", 2)
    expect(page.locator("body")).to_contain_text("En individuell plan måste finnas")

    page.goto(f"{case_url}plan/ny/")
    tour.check("ny plan")
    page.fill("#id_goal", "Arbete inom vården på halvtid.")
    page.fill("#id_activities", "Arbetsprövning och vägledning.")
    _submit(page, re.compile("Spara"))
    tour.check("planen sparad")

    move("introduction_trial", 2)
    expect(page.locator("body")).to_contain_text("Introduktion och prövning")
    move("work_oriented", 1)
    expect(page.locator("body")).to_contain_text("Arbetslivsinriktade insatser")

    # close it
    page.goto(f"{case_url}avsluta/")
    tour.check("avsluta")
    page.fill("#id_on", today.isoformat())
    page.select_option("#id_exit_reason", "completed")
    _submit(page, re.compile("Avsluta|Spara"))
    tour.check("avslutat")
    expect(page.locator("body")).to_contain_text("Avslutad")
    # the closing documentation is now due (rule 5)
    expect(page.locator("body")).to_contain_text("Upprätta slutdokumentationen")

    # an officer of another area cannot see the person or the case
    with page.expect_navigation():
        page.get_by_role("button", name="Logga ut").click()
    tour.check("utloggad")
    login_as(page, live_server, "fk.ume")
    tour.check("start fk.ume")
    for url in (case_url, person_url):
        response = page.goto(url)
        tour.check("404 i annat område")
        assert response.status == 404
        expect(page.locator("h1")).to_have_text("Sidan finns inte")
