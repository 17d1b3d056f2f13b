"""An officer's working day in a real browser, beside the flows of the other e2e tests: the
worklist and a case form by keyboard only, the to-do inbox between the two agencies (a
joint-mapping decision sent back with a request for a change), a deviation report followed to
its closing, the area's work plan kept by the coordinator, and the interface in English.

Every page the browser loads is checked with axe-core and photographed by the `tour` fixture."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.models import Area
from cases.models import Case, Person
from cases.tests.factories import make_personnummer
from mapping.models import JointMapping, Meeting
from reporting.models import DeviationReport, WorkPlan
from samverkan.dates import add_months

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TODAY = dt.date.today()


# --- helpers ----------------------------------------------------------------------------------


def _is_focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def _tab_to(page, locator, *, limit=80):
    """Press Tab until `locator` has the focus, as a keyboard user moves through the page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _is_focused(locator):
            return locator
    raise AssertionError(f"{locator} fick aldrig fokus med Tab")


def _press_enter_and_wait(page):
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def _follow(page, name):
    with page.expect_navigation():
        page.get_by_role("link", name=name).click()


def _nav(page, name, *, menu="Huvudmeny"):
    """Follow a link of the main navigation."""
    with page.expect_navigation():
        page.get_by_role("navigation", name=menu).get_by_role("link", name=name).click()


def _todo_count(page) -> int:
    """The number beside "Att göra" in the navigation (0 when there is no badge)."""
    badge = page.get_by_test_id("todo-link").locator(".count-badge")
    if not badge.count():
        return 0
    return int(re.match(r"\d+", badge.inner_text().strip()).group())


# --- 1. keyboard only ---------------------------------------------------------------------------


def test_worklist_filter_case_and_meeting_by_keyboard_only(page, live_server, login_as, tour):
    """An FK officer uses only the keyboard: the skip link, the worklist's phase filter (the
    address keeps the filter), a case from the filtered list, the case's "Registrera möte" form
    submitted incomplete (the focus moves to the error summary, whose link leads to the field),
    then completed and registered."""
    login_as(page, live_server, "fk.sdt")
    tour.check("arendelista")
    worklist = page.get_by_test_id("worklist")
    expect(worklist).to_be_visible()
    unfiltered = worklist.locator("tbody tr").count()
    officer_cases = Case.objects.filter(
        fk_officer__username="fk.sdt", phase=Case.Phase.NEEDS_ANALYSIS
    )
    assert 0 < officer_cases.count() < unfiltered

    # the first Tab reaches the skip link, which moves the focus to the main content
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Hoppa till innehållet")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # the phase filter, chosen by typing its name, and sent with Enter on "Filtrera"
    phase = _tab_to(page, page.get_by_label("Fas", exact=True))
    page.keyboard.type("Behovsanalys")
    expect(phase).to_have_value("needs_analysis")
    _tab_to(page, page.get_by_role("button", name="Filtrera"))
    _press_enter_and_wait(page)
    tour.check("arendelista-filtrerad")
    assert "phase=needs_analysis" in page.url
    expect(page.get_by_label("Fas", exact=True)).to_have_value("needs_analysis")
    rows = page.get_by_test_id("worklist").locator("tbody tr")
    expect(rows).to_have_count(officer_cases.count())
    expect(page.get_by_test_id("worklist-count")).to_contain_text(f"{officer_cases.count()} ärend")

    # the first case of the filtered list, opened with Enter
    first = rows.first.locator("th a")
    case = Case.objects.get(pk=rows.first.get_attribute("data-case"))
    assert case.phase == Case.Phase.NEEDS_ANALYSIS
    _tab_to(page, first)
    _press_enter_and_wait(page)
    tour.check("arende")
    assert page.url.endswith(f"/arenden/{case.pk}/")
    expect(page.get_by_test_id("phase")).to_have_text("Behovsanalys")

    # the case's meeting form
    _tab_to(page, page.get_by_role("link", name="Registrera möte"))
    _press_enter_and_wait(page)
    tour.check("mote-formular")
    assert page.url.endswith(f"/arenden/{case.pk}/moten/nytt/")

    # sent without the kind of meeting: refused, and the focus is on the error summary
    meetings_before = Meeting.objects.filter(case=case).count()
    _tab_to(page, page.get_by_role("button", name="Registrera mötet"))
    _press_enter_and_wait(page)
    tour.check("mote-fel")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Typ av möte")
    expect(summary).to_be_focused()
    assert Meeting.objects.filter(case=case).count() == meetings_before

    # the summary's link leads to the field; the kind is typed, a participant ticked with Space
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    kind = page.get_by_label("Typ av möte")
    expect(kind).to_be_focused()
    page.keyboard.type("Uppföljning")
    expect(kind).to_have_value("follow_up")
    person_box = page.get_by_role("checkbox", name="Deltagaren")
    _tab_to(page, person_box)
    page.keyboard.press("Space")
    expect(person_box).to_be_checked()
    _tab_to(page, page.get_by_label("Anteckningar", exact=True))
    page.keyboard.type("Uppföljning per telefon, allt enligt plan.")
    _tab_to(page, page.get_by_role("button", name="Registrera mötet"))
    _press_enter_and_wait(page)
    tour.check("arende-efter-mote")

    # then the meeting is registered on the case and shown there (the address may keep the
    # fragment of the summary's link: the form posts to the page's own address)
    assert re.search(rf"/arenden/{case.pk}/(#.*)?$", page.url), page.url
    expect(page.get_by_role("status")).to_contain_text("Mötet är registrerat.")
    meeting = Meeting.objects.get(case=case, notes="Uppföljning per telefon, allt enligt plan.")
    assert meeting.kind == "follow_up" and meeting.date == TODAY
    assert meeting.participants == ["person"]
    expect(page.get_by_test_id("meetings")).to_contain_text("Uppföljning per telefon")


# --- 2. the to-do inbox between the agencies ----------------------------------------------------


def test_todo_inbox_decision_sent_back_for_a_change(page, live_server, login_as, tour):
    """The FK officer requests a joint mapping, registers its first meeting and records the
    decision (confirming it for FK); the AF officer finds it under "Beslut att bekräfta" in
    "Att göra", opens it and asks for a change with a reason; the FK officer then finds it under
    "Beslut som ska ändras". The number beside "Att göra" follows on both sides."""
    base = live_server.url
    number = make_personnummer(dt.date(1981, 5, 14), serial=318)

    login_as(page, live_server, "fk.sdt")
    tour.check("fk-arendelista")
    # given a person the FK officer registers
    page.goto(f"{base}/personer/ny/")
    tour.check("ny-person")
    page.get_by_label("Personnummer").fill(f"{number[:8]}-{number[8:]}")
    page.get_by_label("Förnamn").fill("Vera")
    page.get_by_label("Efternamn").fill("Ändringsdotter")
    _submit(page, re.compile("Registrera|Spara"))
    tour.check("person")
    person = Person.objects.get(personnummer=number)

    # when the FK officer requests a joint mapping with the AF officer, on sjukpenning
    _follow(page, re.compile("Begär gemensam kartläggning"))
    tour.check("begar-kartlaggning")
    page.check("input[name=initiated_by][value=FK]")
    page.get_by_label("Skäl till kartläggningen").fill("Sjukpenningen närmar sig sitt slut.")
    page.fill("#id_requested_on", TODAY.isoformat())
    page.select_option("#id_af_officer", index=1)
    page.select_option("#id_benefit", "sjukpenning")
    page.fill("#id_sick_leave_start", (TODAY - dt.timedelta(days=200)).isoformat())
    page.check("input[name=consent_basis][value=written]")
    page.fill("#id_consent_given_on", TODAY.isoformat())
    _submit(page, "Registrera begäran")
    tour.check("kartlaggning")
    mapping = JointMapping.objects.get(person=person)
    assert mapping.af_officer.username == "af.sdt"
    mapping_path = f"/kartlaggningar/{mapping.pk}/"
    assert page.url.endswith(mapping_path)

    # and registers the first meeting and the decision, which confirms it for FK
    _follow(page, "Registrera möte")
    tour.check("kartlaggningsmote")
    for who in ("person", "FK", "AF"):
        page.check(f"input[name=participants][value={who}]")
    _submit(page, "Registrera mötet")
    tour.check("kartlaggning-med-mote")
    _follow(page, re.compile("^Beslut$"))
    tour.check("beslut")
    page.check("input[name=decision][value=joint_active_support]")
    page.get_by_label("Motivering").fill("Motiverad och redo för arbetsförberedande insatser.")
    page.fill("#id_decision_date", TODAY.isoformat())
    page.select_option("#id_case_target_group", "sick_unemployed")
    page.check("input[name=case_phase][value=needs_analysis]")
    page.fill("#id_case_date", TODAY.isoformat())
    _submit(page, "Registrera beslutet")
    tour.check("beslut-registrerat")
    expect(page.get_by_test_id("decision-state")).to_have_text("Väntar på bekräftelse")
    fk_count = _todo_count(page)
    fk_cookies = page.context.cookies()

    # then the AF officer has the decision to confirm in "Att göra"
    page.context.clear_cookies()
    login_as(page, live_server, "af.sdt")
    tour.check("af-arendelista")
    af_count = _todo_count(page)
    assert af_count >= 1
    _nav(page, re.compile("^Att göra"))
    tour.check("af-att-gora")
    expect(page.get_by_test_id("todo-total")).to_contain_text(f"{af_count} ")
    to_confirm = page.locator("section[data-todo=confirm_decision]")
    expect(to_confirm.get_by_role("heading")).to_contain_text("Beslut att bekräfta")
    item = to_confirm.get_by_role("link", name="Kartläggning – Vera Ändringsdotter")
    expect(item.locator("xpath=ancestor::tr")).to_contain_text(
        "Beslut: Aktiva insatser i samarbete"
    )

    # when the AF officer opens it and asks for a change instead of confirming
    with page.expect_navigation():
        item.click()
    tour.check("bekrafta-beslut")
    assert page.url.endswith(f"{mapping_path}bekrafta/")
    _follow(page, "Begär ändring")
    tour.check("begar-andring")
    # a reason too short to act on is refused with a message, and nothing changes
    page.get_by_label("Vad ska ändras?").fill("Fel")
    _submit(page, "Skicka tillbaka beslutet")
    tour.check("begar-andring-fel")
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary")).to_contain_text("minst 10 tecken")
    mapping.refresh_from_db()
    assert mapping.change_requested_at is None
    reason = "Målgruppen ska vara arbetslös med sjukersättning."
    page.get_by_label("Vad ska ändras?").fill(reason)
    _submit(page, "Skicka tillbaka beslutet")
    tour.check("kartlaggning-andring-begard")
    expect(page.get_by_role("status")).to_contain_text("skickat tillbaka")
    expect(page.get_by_test_id("change-requested")).to_contain_text(reason)
    mapping.refresh_from_db()
    assert mapping.change_requested_of.username == "fk.sdt"
    assert mapping.fk_signed_at is None and mapping.af_signed_at is None
    # and the decision has left the AF officer's list
    assert _todo_count(page) == af_count - 1

    # then the FK officer (still logged in) finds the decision returned, with the reason
    page.context.clear_cookies()
    page.context.add_cookies(fk_cookies)
    page.goto(f"{base}/att-gora/")
    tour.check("fk-att-gora")
    assert _todo_count(page) == fk_count + 1
    returned = page.locator("section[data-todo=change_requested]")
    expect(returned.get_by_role("heading")).to_contain_text("Beslut som ska ändras")
    expect(returned).to_contain_text(f"Anders Forsberg ber om ändring: {reason}")
    with page.expect_navigation():
        returned.get_by_role("link", name="Kartläggning – Vera Ändringsdotter").click()
    tour.check("fk-andra-beslut")
    assert page.url.endswith(f"{mapping_path}beslut/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Beslut efter kartläggningen")


# --- 3. a deviation report to its closing -------------------------------------------------------


def test_deviation_report_action_and_closing(page, live_server, login_as, tour):
    """The area's management group works on a deviation report the monthly job opened (inflow
    below plan three months in a row): analysis and dialogue (open → in dialogue), an action
    whose due date has passed is refused with a clear message, the action with a later date is
    registered, closing is refused while the action is not done, the action is marked done, and
    the report is closed."""
    area = Area.objects.get(code="sdt")
    first = add_months(TODAY.replace(day=1), -3)
    months = [add_months(first, n) for n in range(3)]
    report = DeviationReport.objects.create(
        area=area,
        kind=DeviationReport.Kind.INFLOW_BELOW_PLAN,
        run_start=first,
        opened_for=months[-1],
        figures={
            "months": [
                {"month": f"{m:%Y-%m}", "actual": 3 + n, "planned": 12, "tolerance_percent": 10}
                for n, m in enumerate(months)
            ]
        },
    )
    base = live_server.url

    login_as(page, live_server, "ledning.sdt")
    tour.check("ledning-start")
    _nav(page, "Avvikelser")
    tour.check("avvikelser")
    row = page.get_by_test_id("deviation-row").filter(has_text="Södertörn")
    expect(row).to_contain_text("Öppen")
    with page.expect_navigation():
        row.get_by_role("link", name="Inflödet under plan").click()
    tour.check("avvikelserapport")
    report_path = f"/avvikelser/{report.pk}/"
    assert page.url.endswith(report_path)
    expect(page.get_by_test_id("deviation-figures")).to_contain_text(f"{months[0]:%Y-%m}")

    # the analysis and the dialogue held move the report into dialogue
    _follow(page, "Analys och dialog")
    tour.check("analys-och-dialog")
    page.get_by_label("Analys").fill("Färre remisser från vården under sommaren.")
    page.get_by_label("Dialog hållen").fill(TODAY.isoformat())
    page.get_by_label("Dialog med").fill("Ledningsgruppen och vårdcentralerna")
    _submit(page, "Spara")
    tour.check("rapport-i-dialog")
    expect(page.get_by_test_id("deviation-status")).to_have_text("I dialog")
    expect(page.get_by_test_id("deviation-analysis")).to_contain_text("Färre remisser")

    # an action due yesterday is refused with a clear message, and nothing is saved
    _follow(page, "Ny åtgärd")
    tour.check("ny-atgard")
    page.get_by_label("Åtgärd").fill("Besök vårdcentralerna i området.")
    page.get_by_label("Ansvarig").fill("Områdeschef AF")
    page.get_by_label("Klar senast").fill((TODAY - dt.timedelta(days=1)).isoformat())
    _submit(page, "Registrera åtgärden")
    tour.check("ny-atgard-passerat-datum")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(
        "Klar senast: En ny åtgärd kan inte ha ett datum som redan har passerat."
    )
    assert not report.actions.exists()

    # with a date ahead it is registered
    due = TODAY + dt.timedelta(days=14)
    page.get_by_label("Klar senast").fill(due.isoformat())
    _submit(page, "Registrera åtgärden")
    tour.check("atgard-registrerad")
    expect(page.get_by_role("status")).to_contain_text("Åtgärden är registrerad.")
    action_row = page.get_by_test_id("deviation-action")
    expect(action_row).to_contain_text("Besök vårdcentralerna i området.")
    expect(action_row).to_contain_text(due.isoformat())
    expect(action_row).to_contain_text("Inte klar")

    # closing is refused while the action is not done
    _follow(page, "Stäng rapporten")
    tour.check("stang-checklista")
    expect(page.get_by_test_id("close-checklist")).to_contain_text("Saknas: Alla åtgärder är klara")
    _submit(page, "Stäng rapporten")
    tour.check("stang-nekad")
    expect(page.locator(".error-summary")).to_contain_text(
        "Alla åtgärder ska vara klara innan rapporten stängs."
    )
    report.refresh_from_db()
    assert report.status == DeviationReport.Status.IN_DIALOGUE

    # the action is marked done, and then the report closes
    page.goto(f"{base}{report_path}")
    tour.check("rapport-fore-klar")
    _follow(page, re.compile("^Markera klar"))
    tour.check("markera-klar")
    page.get_by_label("Uppföljning").fill("Två vårdcentraler besökta; remisserna ökar.")
    _submit(page, "Markera klar")
    tour.check("atgard-klar")
    expect(page.get_by_test_id("deviation-action")).to_contain_text(TODAY.isoformat())
    expect(page.get_by_test_id("deviation-action")).to_contain_text("remisserna ökar")
    _follow(page, "Stäng rapporten")
    tour.check("stang")
    expect(page.get_by_test_id("close-checklist")).not_to_contain_text("Saknas")
    _submit(page, "Stäng rapporten")
    tour.check("rapport-stangd")
    expect(page.get_by_role("status")).to_contain_text("Avvikelserapporten är stängd.")
    expect(page.get_by_test_id("deviation-status")).to_have_text(f"Stängd ({TODAY.isoformat()})")
    expect(page.get_by_test_id("deviation-edit")).to_have_count(0)
    report.refresh_from_db()
    assert report.status == DeviationReport.Status.CLOSED and report.closed_on == TODAY
    assert report.actions.get().done_on == TODAY


# --- 4. the area's work plan --------------------------------------------------------------------


def test_coordinator_sets_up_and_changes_the_work_plan(page, live_server, login_as, tour):
    """The coordinator keeps the area's work plan: a new plan for next year (an inflow below
    zero is refused and nothing is saved), listed with its total and goals; then changed, with
    the change in its history."""
    year = TODAY.year + 1
    login_as(page, live_server, "samordnare.sdt")
    tour.check("samordnare-start")
    _nav(page, "Arbetsplaner")
    tour.check("arbetsplaner")
    _follow(page, "Ny/ändra arbetsplan")
    tour.check("valj-omrade-ar")
    expect(page.get_by_label("Samverkansområde")).to_have_value(
        str(Area.objects.get(code="sdt").pk)
    )
    page.get_by_label("År").fill(str(year))
    _submit(page, "Fortsätt")
    tour.check("ny-arbetsplan")
    expect(page.get_by_test_id("work-plan-subject")).to_have_text(f"Södertörn, {year}")

    months = ("Januari", "Februari", "Mars", "April", "Maj", "Juni", "Juli", "Augusti",
              "September", "Oktober", "November", "December")  # fmt: skip

    def month(name):
        return page.get_by_role("spinbutton", name=name, exact=True)

    for name in months:
        month(name).fill("5")
    month("Mars").fill("-2")
    page.get_by_role("spinbutton", name=re.compile("andel i arbete eller utbildning")).fill("42")
    page.get_by_role("spinbutton", name="Planerad bemanning AF (årsarbetskrafter)").fill("3.5")
    page.get_by_role("spinbutton", name="Planerad bemanning FK (årsarbetskrafter)").fill("2")
    _submit(page, "Spara")
    tour.check("arbetsplan-fel")
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary")).to_contain_text("Mars")
    assert not WorkPlan.objects.exists()

    month("Mars").fill("8")
    _submit(page, "Spara")
    tour.check("arbetsplan-upprattad")
    expect(page.get_by_role("status")).to_contain_text(
        f"Arbetsplanen för Södertörn {year} är upprättad."
    )
    row = page.get_by_test_id("work-plan-row").filter(has_text=str(year))
    expect(row).to_contain_text("Södertörn")
    expect(row).to_contain_text("63")  # 11 × 5 + 8
    expect(row).to_contain_text("42 %")
    plan = WorkPlan.objects.get(area__code="sdt", year=year)
    assert plan.planned_inflow[2] == 8 and plan.goal_share_percent == 42

    # when the coordinator changes March
    _follow(page, f"Ändra arbetsplanen för Södertörn {year}")
    tour.check("andra-arbetsplan")
    expect(month("Mars")).to_have_value("8")
    month("Mars").fill("12")
    _submit(page, "Spara")
    tour.check("arbetsplan-andrad")
    expect(page.get_by_role("status")).to_contain_text("Arbetsplanen är sparad.")
    expect(page.get_by_test_id("work-plan-row").filter(has_text=str(year))).to_contain_text("67")
    plan.refresh_from_db()
    assert plan.planned_inflow[2] == 12 and plan.version == 2
    # then the plan's history tells the change month by month
    _follow(page, f"Ändra arbetsplanen för Södertörn {year}")
    tour.check("arbetsplan-historik")
    expect(page.get_by_text("Planerat inflöde: Mars: 8 → 12")).to_be_visible()


# --- 5. the interface in English ----------------------------------------------------------------

# Swedish words of the pages' own texts (not names or places): none may show in English.
SWEDISH = re.compile(
    r"\b(försenad\w*|uppföljning|behovsanalys|ärende\w*|att göra|filtrera|flagg\w*|målgrupp"
    r"|fas|deltagare|handläggare|registrera\w*|sök|möte\w*|insats\w*|avsluta\w*|saknas"
    r"|väntar|dag i samverkan|översikt)\b",
    re.IGNORECASE,
)


def _swedish_words(page) -> list[str]:
    text = page.locator("body").inner_text()
    return sorted({m.group(0) for m in SWEDISH.finditer(text)})


def test_switching_the_interface_to_english_and_back(page, live_server, login_as, tour):
    """The AF officer switches the language in the footer to English: the worklist, a case page
    and the to-do page speak English (no Swedish words of the interface such as "Försenad" or
    "Uppföljning"); switching back gives Swedish again."""
    login_as(page, live_server, "af.sdt")
    tour.check("arendelista-svenska")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina ärenden")

    page.get_by_label("Språk").select_option("en")
    _submit(page, "Byt språk")
    tour.check("worklist-english")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    expect(page.get_by_test_id("worklist")).to_be_visible()
    # (collected page by page, asserted at the end, so that one failure names every page)
    swedish = {"worklist": _swedish_words(page)}

    with page.expect_navigation():
        page.get_by_test_id("worklist").locator("tbody tr th a").first.click()
    tour.check("case-english")
    assert re.search(r"/arenden/\d+/$", page.url)
    expect(page.get_by_role("heading", name="Rules and deadlines")).to_be_visible()
    swedish["case"] = _swedish_words(page)

    _nav(page, re.compile("^To do"), menu="Main menu")
    tour.check("todo-english")
    expect(page.get_by_role("heading", level=1)).to_have_text("To do")
    swedish["to-do"] = _swedish_words(page)

    page.get_by_label("Language").select_option("sv")
    _submit(page, "Change language")
    tour.check("att-gora-svenska")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Att göra")
    expect(page.get_by_test_id("todo-link")).to_contain_text("Att göra")
    assert not any(swedish.values()), f"svenska ord på de engelska sidorna: {swedish}"
