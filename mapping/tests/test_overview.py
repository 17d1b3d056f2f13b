"""The person overview (SPEC §3–4, §7): one page telling the person's whole story in time order,
with the next deadline on top.

The story is written through the services, day by day on a travelling clock, so every record
carries the dates it would carry in real use (plans and signatures are dated by the clock)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLog
from cases.models import Consent, Phase, StatusCode
from cases.services import case_transition, status_entry_save
from cases.tests.factories import CaseFactory, PersonFactory
from mapping.selectors import person_next_deadlines, person_timeline
from mapping.services import (
    intervention_create,
    intervention_move,
    mapping_create,
    mapping_decide,
    mapping_sign,
    meeting_create,
    plan_save,
)
from mapping.tests.factories import InterventionFactory, JointMappingFactory, MeetingFactory
from samverkan.services import AccessContext

STOCKHOLM = ZoneInfo("Europe/Stockholm")
D = dt.date
STORY_TODAY = D(2026, 3, 1)


def on(day: dt.date):
    """The clock at noon in Stockholm on `day`."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=STOCKHOLM), tick=False)


def url(person):
    return reverse("mapping:person_overview", args=[person.pk])


def listed(html: str) -> list[tuple[str, str]]:
    """(date, kind) of every event in the page's list, in page order."""
    return re.findall(r'<li class="tl-item[^"]*" data-kind="([a-z_]+)" data-date="([\d-]+)"', html)


@pytest.fixture
def story(person, fk_officer, af_officer):
    """Greta's year: FK requests a joint mapping, two meetings, both agencies confirm active
    support, which opens the case; a plan, a work-preparatory intervention, the move to a work
    trial, the case closes, and AF records her in work."""
    with on(D(2025, 9, 3)):
        mapping = mapping_create(
            person=person,
            initiated_by="FK",
            requested_on=D(2025, 9, 1),
            request_received_on=D(2025, 9, 3),
            initiation_reason="Långvarig sjukskrivning, behöver stöd mot arbete.",
            fk_officer=fk_officer,
            af_officer=af_officer,
            benefit="sjukpenning",
            benefit_end_date=D(2026, 6, 30),
            sick_leave_start=D(2025, 6, 1),
            context=AccessContext.for_user(fk_officer),
        )
    for day in (D(2025, 9, 10), D(2025, 9, 24)):
        with on(day):
            meeting_create(
                person=person,
                kind="avstamningsmote",
                on=day,
                mapping=mapping,
                participants=["person", "FK", "AF"],
                context=AccessContext.for_user(fk_officer),
            )
    with on(D(2025, 10, 6)):
        mapping = mapping_decide(
            mapping=mapping,
            expected_version=None,
            decision="joint_active_support",
            decision_reason="Behöver aktiva insatser i samarbete.",
            decision_date=D(2025, 10, 6),
            case_target_group="sick_unemployed",
            case_phase=Phase.NEEDS_ANALYSIS,
            case_date=D(2025, 10, 6),
            context=AccessContext.for_user(fk_officer),
        )
        mapping = mapping_sign(
            mapping=mapping, expected_version=None, context=AccessContext.for_user(af_officer)
        )
    case = mapping.case
    with on(D(2025, 10, 8)):
        plan_save(
            case=case,
            goal="Arbete på halvtid.",
            activities="Friskvård, arbetsprövning.",
            context=AccessContext.for_user(af_officer),
        )
    with on(D(2025, 10, 13)):
        wellness = intervention_create(
            case=case,
            kind="wellness",
            provider="AF",
            hours_per_week=8,
            goal="Orka en regelbunden dag.",
            start_date=D(2025, 10, 13),
            context=AccessContext.for_user(af_officer),
        )
    with on(D(2025, 11, 17)):
        intervention_move(
            intervention=wellness,
            expected_version=None,
            on=D(2025, 11, 17),
            outcome="goal_reached",
            kind="work_trial",
            provider="employer",
            hours_per_week=20,
            goal="Pröva arbete hos arbetsgivaren.",
            context=AccessContext.for_user(af_officer),
        )
    with on(D(2026, 1, 30)):
        case_transition(
            case=case,
            to_phase=Phase.CLOSED,
            on=D(2026, 1, 30),
            exit_reason="completed",
            context=AccessContext.for_user(af_officer),
        )
    with on(D(2026, 2, 15)):
        status_entry_save(
            person=person,
            on=D(2026, 2, 15),
            code=StatusCode.objects.get(code="work_unsubsidised"),
            context=AccessContext.for_user(af_officer),
        )
    return {"mapping": mapping, "case": case}


STORY = [
    ("2025-06-01", "sick_leave_start"),
    ("2025-09-01", "mapping_requested"),
    ("2025-09-03", "mapping_received"),
    ("2025-09-10", "meeting"),
    ("2025-09-24", "meeting"),
    ("2025-10-06", "mapping_decision"),
    ("2025-10-06", "mapping_confirmed"),  # FK, recording the decision
    ("2025-10-06", "mapping_confirmed"),  # AF, which carries it out
    ("2025-10-06", "mapping_ended"),
    ("2025-10-06", "case_opened"),
    ("2025-10-08", "plan_version"),
    ("2025-10-13", "case_phase"),  # to introduction and trial, with the first intervention
    ("2025-10-13", "intervention_started"),
    ("2025-11-17", "case_phase"),  # to work-oriented support, with the move
    ("2025-11-17", "intervention_moved"),
    ("2026-01-30", "intervention_ended"),  # the work trial ends with the case
    ("2026-01-30", "case_closed"),
    ("2026-02-15", "status_entry"),
]


# --- the story in order -----------------------------------------------------------------------


def test_events_come_in_date_order_with_a_stable_order_within_a_day(story, person, fk_officer):
    # when the FK officer reads the story on 1 March 2026
    events = person_timeline(person=person, user=fk_officer, today=STORY_TODAY)

    # then every registration point is there once, in the order it happened
    assert [(e.date.isoformat(), e.kind) for e in events] == STORY
    confirmations = [e.title for e in events if e.kind == "mapping_confirmed"]
    assert confirmations == [
        "Beslutet bekräftat för Försäkringskassan",
        "Beslutet bekräftat för Arbetsförmedlingen",
    ]
    first, second = [e for e in events if e.kind == "meeting"]
    assert "första kartläggningsmötet" in first.title
    assert "första" not in second.title
    moved = next(e for e in events if e.kind == "intervention_moved")
    assert "Arbetsprövning" in moved.title and "Friskvård" in moved.detail


def test_page_lists_the_story_oldest_first_with_links(story, person, fk_officer, login):
    # when the FK officer opens the overview on 1 March 2026
    with on(STORY_TODAY):
        response = login(fk_officer).get(url(person))

    # then the list shows the same story in the same order
    html = response.content.decode()
    assert response.status_code == 200
    assert [(day, kind) for kind, day in listed(html)] == STORY
    # and every event links to its object
    mapping, case = story["mapping"], story["case"]
    meeting = mapping.meetings.order_by("date").first()
    intervention = case.interventions.get(kind="work_trial")
    for name, pk in [
        ("mapping:mapping_detail", mapping.pk),
        ("cases:case_detail", case.pk),
        ("mapping:meeting_edit", meeting.pk),
        ("mapping:intervention_detail", intervention.pk),
    ]:
        assert f'href="{reverse(name, args=[pk])}"' in html
    assert "Kartläggning: väntar på möte" in html  # the legend


def test_chart_is_an_image_with_a_summary_and_the_list_as_its_text(
    story, person, fk_officer, login
):
    with on(STORY_TODAY):
        html = login(fk_officer).get(url(person)).content.decode()

    # the chart is one picture with a summary of what it shows
    svg = re.search(r'<svg class="tl-chart".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="tl-chart-title"' in svg
    title = re.search(r'<title id="tl-chart-title">([^<]*)</title>', svg).group(1)
    assert "1 kartläggningar, 1 ärenden, 2 insatser, 2 möten och 1 statusposter" in title
    # the phases are numbered and the intervention kinds patterned, not only coloured
    assert "tl-phase-introduction_trial" in svg and "tl-int-work_preparatory" in svg
    assert 'id="tl-hatch"' in svg
    # coordinates are plain numbers, never Swedish decimal commas
    assert not re.search(r'(?:x|y|x1|x2|y1|y2|cx|cy|width|height)="-?\d+,\d', svg)
    # no script in the chart, no inline script on the page (only the site's own static files),
    # and nothing from elsewhere
    assert "<script" not in svg
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/error-focus.js" defer>']
    assert "http://" not in svg.replace("http://www.w3.org/2000/svg", "")


# --- the next deadline ------------------------------------------------------------------------


@pytest.fixture
def open_case(person, fk_officer, af_officer):
    """Registered 1 February 2026, on sjukpenning since 10 September 2025 with return before
    day 181 judged unlikely; a follow-up meeting on 20 February."""
    case = CaseFactory(
        person=person,
        fk_officer=fk_officer,
        af_officer=af_officer,
        referral_date=D(2026, 1, 26),
        start_date=D(2026, 2, 1),
        benefit="sjukpenning",
        sick_leave_start=D(2025, 9, 10),
        benefit_end_date=D(2026, 12, 31),
        return_unlikely_before_181=True,
    )
    MeetingFactory(person=person, case=case, kind="follow_up", date=D(2026, 2, 20))
    return case


def test_next_deadline_on_top_is_the_nearest_one(open_case, person, fk_officer, login):
    # given, worked out by hand for 1 March 2026:
    #   planned work trial starts                                   2026-03-05 (in 4 days)
    #   kontaktmöte by day 181: 2025-09-10 + 180 days               2026-03-09
    #   follow-up every 28 days since the meeting of 20 February    2026-03-20
    #   the benefit ends more than 6 months ahead: no mapping suggestion
    with on(STORY_TODAY):
        intervention_create(
            case=open_case,
            kind="work_trial",
            provider="employer",
            hours_per_week=10,
            goal="Pröva arbete.",
            planned_start=D(2026, 3, 5),
            context=AccessContext.for_user(fk_officer),
        )
        deadlines = person_next_deadlines(person=person, user=fk_officer, today=STORY_TODAY)
        html = login(fk_officer).get(url(person)).content.decode()

    dated = [(d.date, d.kind, d.days_left, d.level) for d in deadlines if d.date]
    assert dated == [
        (D(2026, 3, 5), "intervention_planned_start", 4, "due_soon"),
        (D(2026, 3, 9), "contact_meeting_due", 8, "info"),
        (D(2026, 3, 20), "follow_up_due", 19, "info"),
    ]
    # the plan is missing, without a date of its own: it waits below the dated ones
    assert [d.kind for d in deadlines if not d.date] == ["plan_missing"]

    # and the page shows the nearest first, with the days left
    box = re.search(r'data-testid="next-deadline">(.*?)</section>', html, re.S).group(1)
    main = re.search(r'class="tl-next-main[^"]*" data-kind="([a-z_]+)" data-date="([\d-]+)"', box)
    assert main.groups() == ("intervention_planned_start", "2026-03-05")
    assert "om 4 dagar" in box
    later = re.findall(r'<li class="flag[^"]*" data-kind="([a-z_]+)"', box)
    assert later[:2] == ["contact_meeting_due", "follow_up_due"]


def test_a_planned_start_that_has_passed_is_overdue(case, person, fk_officer):
    # given an intervention planned to start on 20 February that has not started by 1 March
    InterventionFactory(case=case, planned_start=D(2026, 2, 20))

    deadlines = person_next_deadlines(person=person, user=fk_officer, today=STORY_TODAY)

    planned = [d for d in deadlines if d.kind == "intervention_planned_start"]
    assert [(d.date, d.level, d.days_left) for d in planned] == [(D(2026, 2, 20), "overdue", -9)]


def test_overdue_closing_documentation_comes_first(story, person, fk_officer):
    # given the case closed on 30 January 2026 without closing documentation: due 21 days later
    deadlines = person_next_deadlines(person=person, user=fk_officer, today=STORY_TODAY)

    assert [(d.kind, d.date, d.level, d.days_left) for d in deadlines] == [
        ("closing_doc_due", D(2026, 2, 20), "overdue", -9)
    ]


def test_waiting_work_is_listed_without_a_date(person, fk_officer, af_officer):
    # given an open mapping held once, with a decision FK has confirmed and AF has not,
    # and another person's mapping still waiting for its first meeting
    with on(D(2026, 2, 2)):
        mapping = mapping_create(
            person=person,
            initiated_by="AF",
            requested_on=D(2026, 2, 2),
            initiation_reason="Behöver kartläggning.",
            fk_officer=fk_officer,
            af_officer=af_officer,
            context=AccessContext.for_user(af_officer),
        )
    with on(D(2026, 2, 10)):
        meeting_create(
            person=person,
            kind="avstamningsmote",
            on=D(2026, 2, 10),
            mapping=mapping,
            context=AccessContext.system("test"),
        )
        mapping_decide(
            mapping=mapping,
            expected_version=None,
            decision="no_action",
            decision_reason="Arbetar redan.",
            decision_date=D(2026, 2, 10),
            context=AccessContext.for_user(fk_officer),
        )
    waiting_person = PersonFactory(area=person.area)
    JointMappingFactory(person=waiting_person, requested_on=D(2026, 2, 20), fk_officer=fk_officer)

    pending = person_next_deadlines(person=person, user=fk_officer, today=STORY_TODAY)
    waiting = person_next_deadlines(person=waiting_person, user=fk_officer, today=STORY_TODAY)

    assert [(d.kind, d.date, d.since) for d in pending] == [
        ("decision_pending", None, D(2026, 2, 10))
    ]
    assert "Arbetsförmedlingen" in pending[0].wording
    assert "Försäkringskassan" not in pending[0].wording
    assert [(d.kind, d.date, d.since) for d in waiting] == [
        ("mapping_waiting", None, D(2026, 2, 20))
    ]


def test_running_intervention_without_follow_up_is_due_after_28_days(case, person, fk_officer):
    # given an intervention that started on 1 February 2026 with no follow-up since
    InterventionFactory(case=case, start_date=D(2026, 2, 1))

    deadlines = person_next_deadlines(person=person, user=fk_officer, today=STORY_TODAY)

    due = [(d.date, d.level) for d in deadlines if d.kind == "intervention_follow_up"]
    assert due == [(D(2026, 3, 1), "due_soon")]


def test_a_case_without_phase_moves_is_told_from_its_own_dates(person, fk_officer):
    # given a case written without the services (e.g. by an import): no PhaseTransition rows
    CaseFactory(
        person=person,
        fk_officer=fk_officer,
        phase=Phase.CLOSED,
        referral_date=D(2025, 4, 1),
        start_date=D(2025, 4, 10),
        end_date=D(2025, 12, 1),
        exit_reason="moved",
        closing_doc_date=D(2025, 12, 5),
    )

    events = person_timeline(person=person, user=fk_officer, today=STORY_TODAY)

    assert [(e.date, e.kind) for e in events] == [
        (D(2025, 4, 1), "case_opened"),
        (D(2025, 4, 10), "case_phase"),
        (D(2025, 12, 1), "case_closed"),
        (D(2025, 12, 5), "closing_doc"),
    ]
    assert "Flyttat" in events[2].detail


# --- who may see it ---------------------------------------------------------------------------


def test_outsider_gets_404(story, person, outsider, login):
    response = login(outsider).get(url(person))

    assert response.status_code == 404
    assert AccessLog.objects.filter(
        action=AccessLog.Action.DENIED, user=outsider, object_id=str(person.pk)
    ).exists()


@pytest.mark.parametrize("role", ["management", "analyst"])
def test_management_and_analysts_get_404(story, person, role, request, login):
    # they see aggregates, never a person's story
    user = request.getfixturevalue(role)

    assert login(user).get(url(person)).status_code == 404


def test_anonymous_visitor_is_sent_to_login(person, client):
    response = client.get(url(person))

    assert response.status_code == 302
    assert "/konto/logga-in/" in response["Location"]


def test_officer_outside_the_caseload_is_asked_for_a_reason_first(case, person, colleague, login):
    # given an AF officer of the area with the person on neither their nor their team's caseload
    response = login(colleague).get(url(person))

    # then they are sent to state a reason, and come back here afterwards
    reason = reverse("cases:person_reason", args=[person.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{reason}?next={url(person).replace('/', '%2F')}"
    assert not AccessLog.objects.filter(action=AccessLog.Action.VIEW, user=colleague).exists()


def test_after_stating_a_reason_the_colleague_sees_the_story_logged_as_outside(
    case, person, colleague, login
):
    # given the colleague states a reason on the reason page
    client = login(colleague)
    reason_url = reverse("cases:person_reason", args=[person.pk])
    reason = "Ersätter handläggaren under semestern."
    assert client.post(reason_url, {"reason": reason}).status_code == 302

    # when they open the overview
    response = client.get(url(person))

    # then they see it, and the log says why and that it was outside their caseload
    assert response.status_code == 200
    entry = AccessLog.objects.get(action=AccessLog.Action.VIEW, user=colleague)
    assert entry.purpose == f"skäl: {reason}"
    assert entry.outside_caseload is True


def test_the_view_is_written_to_the_access_log(case, person, fk_officer, login):
    response = login(fk_officer).get(url(person))

    assert response.status_code == 200
    entry = AccessLog.objects.get(action=AccessLog.Action.VIEW, user=fk_officer)
    assert entry.person_id == person.pk
    assert entry.path == url(person)
    assert entry.purpose == "eget ärendebestånd"
    assert entry.outside_caseload is False


def test_only_get_is_allowed(case, person, fk_officer, login):
    assert login(fk_officer).post(url(person)).status_code == 405


# --- secrecy between the agencies -------------------------------------------------------------


@pytest.fixture
def sick_person(case, person):
    """On sjukpenning; the mapping was held on day 101 of the sick-leave case (90–180 days)."""
    today = dt.date.today()
    case.benefit = "sjukpenning"
    case.sick_leave_start = today - dt.timedelta(days=120)
    case.benefit_end_date = today + dt.timedelta(days=400)
    case.fk_notes = "FK-anteckning: läkarintyg om ryggbesvär."
    case.af_notes = "AF-anteckning: söker lagerjobb."
    case.save()
    JointMappingFactory(
        person=person,
        sick_leave_start=case.sick_leave_start,
        requested_on=today - dt.timedelta(days=20),
        benefit_end_date=case.benefit_end_date,
    )
    return person


def test_af_officer_without_consent_sees_no_benefit_or_sick_leave_facts(
    sick_person, af_officer, login
):
    html = login(af_officer).get(url(sick_person)).content.decode()

    assert "Sjukpenning" not in html
    assert "90–180 dagar" not in html
    assert "Sjukfallets första dag" not in html
    assert "förmånstidens slut" not in html
    assert "FK-anteckning" not in html
    assert 'data-testid="fk-hidden"' in html


def test_fk_officer_sees_the_benefit_and_the_sick_leave_band(sick_person, fk_officer, login):
    html = login(fk_officer).get(url(sick_person)).content.decode()

    assert "Sjukpenning" in html
    assert "90–180 dagar" in html
    assert "Sjukfallets första dag" in html
    assert 'data-testid="fk-hidden"' not in html
    # the agencies' free-text notes stay on the case page, for either agency
    assert "FK-anteckning" not in html and "AF-anteckning" not in html


def test_af_officer_sees_the_facts_under_consent(sick_person, af_officer, login):
    Consent.objects.create(
        person=sick_person, given_on=dt.date.today() - dt.timedelta(days=30), covers_sharing=True
    )

    html = login(af_officer).get(url(sick_person)).content.decode()

    assert "Sjukpenning" in html and "90–180 dagar" in html
    assert "consent_given" in html  # the consent itself is part of the story


# --- a fixed number of queries ----------------------------------------------------------------


def _grow(person, case, n):
    for k in range(n):
        day = D(2026, 1, 1) + dt.timedelta(days=k)
        MeetingFactory(person=person, case=case, kind="follow_up", date=day)
        InterventionFactory(case=case, start_date=day, end_date=day, outcome="goal_reached")
        status_entry_save(
            person=person,
            on=day,
            code=StatusCode.objects.get(code="openly_unemployed"),
            context=AccessContext.system("test"),
        )
        plan_save(
            case=case,
            goal=f"Mål {k}",
            activities="Aktiviteter",
            context=AccessContext.system("test"),
        )


def _count_queries(client, person) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(person)).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_story(area, fk_officer, login):
    # given two people on the FK officer's caseload: one with 2 of everything, one with 10
    people = []
    for n in (2, 10):
        person = PersonFactory(area=area)
        case = CaseFactory(person=person, fk_officer=fk_officer, start_date=D(2025, 12, 1))
        _grow(person, case, n)
        people.append(person)
    client = login(fk_officer)

    # when each overview is opened
    with on(STORY_TODAY):
        small, large = (_count_queries(client, p) for p in people)

    # then both take the same number of queries
    assert small == large, (small, large)
