"""Issue 15's preparation group in a real browser: the coordinator holds a session with five
referred cases, records two admissions, two refusals with their reasons and one postponement
through the forms (a refusal without its motivation is refused first), closes the protocol and
opens it to print; the management group then reads the decisions report. axe-core runs on every
page the flow visits (the `tour` fixture)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _referred(count):
    from django.contrib.auth import get_user_model

    from accounts.models import Area
    from cases.models import Phase
    from cases.tests.factories import CaseFactory, PersonFactory

    area = Area.objects.get(code="sdt")
    fk = get_user_model().objects.get(username="fk.sdt")
    day = dt.date.today() - dt.timedelta(days=2)
    return [
        CaseFactory(
            person=PersonFactory(area=area, first_name=f"Beredd{i}", last_name="Provsson"),
            fk_officer=fk,
            phase=Phase.REFERRED,
            start_date=None,
            referral_date=day,
            target_group="sick_unemployed",
        )
        for i in range(count)
    ]


def test_a_session_with_five_referrals_from_the_browser_to_the_printed_protocol(
    page, live_server, login_as, tour
):
    from cases.models import Case
    from preparation.models import Referral

    cases = _referred(5)
    login_as(page, live_server, "samordnare.sdt")
    tour.check("start")

    # a new session today, with the area's officers attending
    with page.expect_navigation():
        page.get_by_role("navigation", name="Huvudmeny").get_by_role(
            "link", name="Beredningsgrupp"
        ).click()
    tour.check("beredningsgrupp")
    with page.expect_navigation():
        page.get_by_role("link", name="Nytt möte").click()
    tour.check("nytt möte")
    page.get_by_label("Mötesdag").fill(dt.date.today().isoformat())
    page.get_by_label("Frida Karlsson").check()
    page.get_by_label("Anders Forsberg").check()
    _submit(page, "Skapa mötet")
    tour.check("mötet")
    session_url = page.url

    # the five referred cases taken up
    for case in cases:
        page.locator("#id_case").select_option(str(case.pk))
        _submit(page, "Ta upp")
        tour.check(f"upptagen {case.pk}")
    rows = page.get_by_test_id("referrals").get_by_test_id("referral")
    expect(rows).to_have_count(5)

    decisions = [
        ("Antagen", "Uppfyller kriterierna", ""),
        ("Antagen", "Uppfyller kriterierna", ""),
        ("Inte antagen", "Tillhör inte målgruppen", "Har en anställning att återgå till."),
        ("Inte antagen", "Personen vill inte delta", "Vill vänta tills behandlingen är klar."),
        ("Bordlagd", "Underlaget räcker inte", ""),
    ]
    for i, (decision, reason, words) in enumerate(decisions):
        with page.expect_navigation():
            rows.nth(i).get_by_role("link", name=re.compile("Bedöm och besluta")).click()
        tour.check(f"beslut {i + 1}")
        page.get_by_role("group", name=re.compile("^Beslut")).get_by_label(
            decision, exact=True
        ).check()
        page.locator("#id_reason").select_option(label=reason)
        if words:
            # first without the motivation: refused, in the error summary, nothing stored
            _submit(page, "Registrera beslutet")
            tour.check(f"beslut {i + 1} utan motivering")
            expect(page.locator(".error-summary")).to_contain_text("Motivera beslutet")
            assert not Referral.objects.get(case=cases[i]).decision
            page.locator("#id_reason_text").fill(words)
        _submit(page, "Registrera beslutet")
        tour.check(f"beslut {i + 1} registrerat")
        assert page.url == session_url

    # the protocol closed, then opened to print
    _submit(page, "Justera protokollet")
    tour.check("justerat")
    expect(page.get_by_test_id("protocol-state")).to_contain_text("Justerat")
    with page.expect_navigation():
        page.get_by_role("link", name="Protokoll att skriva ut").click()
    tour.check("protokoll")
    protocol = page.get_by_test_id("protocol")
    expect(protocol).to_contain_text("Tillhör inte målgruppen: Har en anställning att återgå till.")
    expect(protocol.locator("tbody tr")).to_have_count(5)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    page.emulate_media(media="screen")

    refused = [Case.objects.get(pk=c.pk) for c in cases[2:4]]
    assert [c.exit_reason for c in refused] == ["not_admitted", "not_admitted"]

    # the management group reads who is admitted and who is not
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(re.compile("logga-in"))
    tour.check("utloggad")
    login_as(page, live_server, "ledning.sdt")
    tour.check("ledningens start")
    page.goto(f"{live_server.url}/statistik/beredningsgrupp/")
    tour.check("beslutsrapport")
    expect(page.get_by_test_id("referral-total")).to_contain_text("upptagna")
    expect(page.get_by_test_id("small-cell-note")).to_be_visible()
