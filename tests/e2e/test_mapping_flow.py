"""Issue 4's flow in a real browser, each step on its own day: an FK officer requests a joint
mapping for a person on sjukpenning, holds two avstämningsmöten with the AF officer and the
employer and decides on active support; the AF officer confirms and the case opens; the AF
officer writes a plan, starts a work-preparatory intervention of 6 h/week, moves to a work trial
and closes the case to work; the person's timeline shows all of it in order.

The server's clock is moved day by day with time-machine (the live server runs in this process),
so every record carries the day it was really made on, as in use; each day starts with a fresh
login, as a working day would. Every page the test loads is checked with axe-core and photographed
by the `tour` fixture."""

import datetime as dt
import re
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from cases.models import Person, StatusCode
from cases.tests.factories import make_personnummer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TODAY = dt.date.today()


def _submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


@pytest.fixture
def workday(page, live_server, login_as, tour):
    """`with workday(days_ago, username):` — that day at 10 o'clock, logged in as the user,
    the landing page checked."""

    @contextmanager
    def _workday(days_ago: int, username: str):
        day = TODAY - dt.timedelta(days=days_ago)
        moment = dt.datetime(day.year, day.month, day.day, 10, tzinfo=STOCKHOLM)
        with time_machine.travel(moment, tick=True):
            page.context.clear_cookies()
            login_as(page, live_server, username)
            tour.check(f"start {username}")
            yield day

    return _workday


def test_joint_mapping_to_work_in_the_browser(page, live_server, workday, tour):
    number = make_personnummer(dt.date(1979, 3, 2), serial=456)
    base = live_server.url

    with workday(41, "fk.sdt"):
        # given a person registered by the FK officer
        page.goto(f"{base}/personer/ny/")
        tour.check("ny person")
        page.fill("#id_personnummer", f"{number[:8]}-{number[8:]}")
        page.fill("#id_first_name", "Maja")
        page.fill("#id_last_name", "Kartläggsson")
        _submit(page, re.compile("Registrera|Spara"))
        tour.check("personen")
        person_url = page.url
        person = Person.objects.get(personnummer=number)

    with workday(40, "fk.sdt") as day:
        # when the FK officer requests a joint mapping for her; she is on sjukpenning since
        # 260 days, so the mapping falls in the band "180 days–1 year"
        page.goto(person_url)
        tour.check("personen")
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile("Begär gemensam kartläggning")).click()
        tour.check("begär kartläggning")
        page.check("input[name=initiated_by][value=FK]")
        page.fill("#id_initiation_reason", "Sjukpenningen närmar sig sitt slut.")
        page.fill("#id_requested_on", day.isoformat())
        page.select_option("#id_af_officer", index=1)
        page.select_option("#id_benefit", "sjukpenning")
        page.fill("#id_sick_leave_start", (day - dt.timedelta(days=250)).isoformat())
        # she has given her written consent to sharing today (AF confirms it later)
        page.check("input[name=consent_basis][value=written]")
        page.fill("#id_consent_given_on", day.isoformat())
        _submit(page, "Registrera begäran")
        tour.check("kartläggningen")
        mapping_url = page.url
        assert re.search(r"/kartlaggningar/\d+/$", mapping_url)
        expect(page.locator("body")).to_contain_text("Väntar på första möte", ignore_case=True)

    # and holds two avstämningsmöten with the AF officer and the employer
    for days_ago, note in ((30, "Första mötet."), (20, "Andra mötet.")):
        with workday(days_ago, "fk.sdt") as day:
            page.goto(f"{mapping_url}moten/nytt/")
            tour.check("nytt möte")
            page.select_option("#id_kind", "avstamningsmote")
            page.fill("#id_date", day.isoformat())
            for who in ("person", "FK", "AF", "employer"):
                page.check(f"input[name=participants][value={who}]")
            page.fill("#id_notes", note)
            _submit(page, "Registrera mötet")
            tour.check("mötet registrerat")
    expect(page.locator("body")).to_contain_text("Andra mötet.")
    expect(page.locator("body")).to_contain_text("180 dagar–1 år")

    with workday(15, "fk.sdt") as day:
        # and decides on active support, the case to start in the needs analysis tomorrow
        page.goto(f"{mapping_url}beslut/")
        tour.check("beslut")
        page.check("input[name=decision][value=joint_active_support]")
        page.fill("#id_decision_reason", "Motiverad och redo för arbetsförberedande insatser.")
        page.fill("#id_decision_date", day.isoformat())
        page.select_option("#id_case_target_group", "sick_unemployed")
        page.check("input[name=case_phase][value=needs_analysis]")
        page.fill("#id_case_date", day.isoformat())
        _submit(page, "Registrera beslutet")
        tour.check("beslutet registrerat")
        # then the decision waits for the AF officer, and no case is open yet
        expect(page.locator("body")).to_contain_text("Väntar på bekräftelse")
        assert not person.cases.exists()

    with workday(14, "af.sdt"):
        # when the AF officer confirms it
        page.goto(f"{mapping_url}bekrafta/")
        tour.check("bekräfta")
        _submit(page, re.compile("Bekräfta"))
        tour.check("bekräftat")
        # then the case is open, in the needs analysis, linked to the mapping
        case = person.cases.get()
        assert case.phase == "needs_analysis"
        assert case.mapping.pk == int(mapping_url.rstrip("/").rsplit("/", 1)[1])
        case_url = f"{base}/arenden/{case.pk}/"
        expect(page.get_by_test_id("phase")).to_have_text("Behovsanalys")

    with workday(12, "af.sdt"):
        # when the AF officer writes a plan
        page.goto(f"{case_url}plan/ny/")
        tour.check("ny plan")
        page.fill("#id_goal", "Arbete i handeln på halvtid.")
        page.fill("#id_activities", "Friskvård, sedan arbetsprövning.")
        _submit(page, re.compile("Spara"))
        tour.check("planen sparad")

    with workday(10, "af.sdt") as day:
        # and starts a work-preparatory intervention of 6 hours a week
        page.goto(f"{case_url}insatser/ny/")
        tour.check("ny insats")
        page.select_option("#id_kind", "wellness")
        page.select_option("#id_provider", "AF")
        page.fill("#id_hours_per_week", "6")
        page.fill("#id_goal", "Orka en regelbunden vardag.")
        page.check("input[name=status][value=started]")
        page.fill("#id_start_date", day.isoformat())
        _submit(page, "Registrera")
        tour.check("insatsen registrerad")
        page.goto(case_url)
        tour.check("ärendet")
        # then the case is in introduction and trial
        expect(page.get_by_test_id("phase")).to_have_text("Introduktion och prövning")
        intervention = case.interventions.get()
        assert intervention.hours_per_week == 6

    with workday(5, "af.sdt") as day:
        # when she moves to a work trial
        page.goto(f"{base}/insatser/{intervention.pk}/byt/")
        tour.check("byt insats")
        page.fill("#id_on", day.isoformat())
        page.select_option("#id_outcome", "goal_reached")
        page.select_option("#id_kind", "work_trial")
        page.select_option("#id_provider", "employer")
        page.fill("#id_hours_per_week", "20")
        page.fill("#id_goal", "Arbetsprövning i butik.")
        _submit(page, "Byt insats")
        tour.check("insatsen bytt")
        page.goto(case_url)
        tour.check("ärendet")
        # then the case is in work-oriented support
        expect(page.get_by_test_id("phase")).to_have_text("Arbetslivsinriktade insatser")

    with workday(0, "af.sdt") as day:
        # when she gets a job and the AF officer closes the case to work
        page.goto(f"{person_url}status/ny/")
        tour.check("ny status")
        page.fill("#id_date", day.isoformat())
        page.select_option("#id_code", str(StatusCode.objects.get(code="work_unsubsidised").pk))
        _submit(page, re.compile("Spara|Registrera"))
        tour.check("statusen sparad")
        page.goto(f"{case_url}avsluta/")
        tour.check("avsluta")
        page.fill("#id_on", day.isoformat())
        page.select_option("#id_exit_reason", "completed")
        _submit(page, re.compile("Avsluta|Spara"))
        tour.check("avslutat")
        expect(page.get_by_test_id("phase")).to_have_text("Avslutad")

        # then the person's timeline tells all of it, in order
        page.goto(f"{person_url}oversikt/")
        tour.check("översikt")
        text = page.get_by_test_id("timeline").inner_text()
        steps = [
            "kartläggning begärd",
            "Avstämningsmöte",
            "Avstämningsmöte",
            "Beslut: Aktiva insatser i samarbete",
            "öppnat: Behovsanalys",
            "Beslutet bekräftat för Arbetsförmedlingen",
            "Individuell plan, version 1",
            "Ny fas: Introduktion och prövning",
            "Insats startade: Friskvård och hälsa",
            "6 tim/vecka",
            "Ny fas: Arbetslivsinriktade insatser",
            "Bytt till arbetslivsinriktad insats: Arbetsprövning",
            "avslutat – Avslutat samarbete enligt plan",
            "Status hos AF: Arbete utan stöd",
        ]
        dates = re.findall(r"^(\d{4}-\d{2}-\d{2})", text, flags=re.M)
        assert dates == sorted(dates) and len(dates) >= len(steps) - 1
        position = 0
        for step in steps:
            found = text.find(step, position)
            assert found >= 0, (step, text[position:])
            position = found + len(step)
        # and the chart draws the mapping, the case and both interventions
        chart = page.get_by_test_id("timeline-chart")
        expect(chart).to_be_visible()

    with workday(0, "fk.ume"):
        # and an officer of another area sees none of it
        for url in (mapping_url, f"{person_url}oversikt/", case_url):
            assert page.goto(url).status == 404
            tour.check("404 i annat område")
