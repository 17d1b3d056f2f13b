"""Issue 15 point 1: a preparation-group session with five referrals, decided (two admitted, two
not admitted with reasons, one postponed), its protocol closed and printed; what each decision
does to the case; the rules of the decision; and nobody outside the area sees any of it."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AccessLog
from cases.models import Case, ExitReason, Phase
from cases.tests.factories import CaseFactory, PersonFactory
from preparation import services
from preparation.models import Decision, Reason, Referral, Session
from samverkan.services import AccessContext
from todo.selectors import todo_items

TODAY = dt.date.today()
HELD = TODAY - dt.timedelta(days=2)


def ctx(user):
    return AccessContext.for_user(user)


def referred(area, fk_officer, af_officer, **fields):
    return CaseFactory(
        person=PersonFactory(area=area),
        fk_officer=fk_officer,
        af_officer=af_officer,
        phase=Phase.REFERRED,
        start_date=None,
        referral_date=HELD - dt.timedelta(days=7),
        **fields,
    )


@pytest.fixture
def session(area, coordinator, fk_officer, af_officer):
    return services.session_create(
        area=area,
        held_on=HELD,
        attendees=[fk_officer, af_officer, coordinator],
        other_attendees="Vårdcentralen Huddinge",
        context=ctx(coordinator),
    )


@pytest.fixture
def five(area, fk_officer, af_officer):
    return [referred(area, fk_officer, af_officer) for _ in range(5)]


def decide(referral, user, decision, reason, text="", **more):
    return services.referral_decide(
        referral=referral,
        expected_version=None,
        decision=decision,
        reason=reason,
        reason_text=text,
        context=ctx(user),
        **more,
    )


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_session_with_five_referrals_decided_and_its_protocol_closed(
    session, five, coordinator, fk_officer, af_officer, login
):
    # given five referred cases presented at the session
    referrals = [
        services.referral_add(session=session, case=c, context=ctx(fk_officer)) for c in five
    ]
    assert [r.position for r in referrals] == [1, 2, 3, 4, 5]

    # when two are admitted (one starting its needs analysis today), two are not admitted with
    # their reasons, and one is postponed
    decide(referrals[0], fk_officer, Decision.ADMITTED, Reason.CRITERIA_MET, start_on=TODAY)
    decide(referrals[1], af_officer, Decision.ADMITTED, Reason.CRITERIA_MET, needs="Arbetsprövning")
    decide(
        referrals[2],
        fk_officer,
        Decision.NOT_ADMITTED,
        Reason.NOT_TARGET_GROUP,
        "Har en anställning att återgå till.",
    )
    decide(referrals[3], coordinator, Decision.NOT_ADMITTED, Reason.DECLINED, "Vill inte delta nu.")
    decide(referrals[4], coordinator, Decision.POSTPONED, Reason.MORE_INFORMATION)
    services.session_close(session=session, expected_version=None, context=ctx(coordinator))

    # then the admitted start (the 14 days count from this session), the refused are closed as
    # not admitted without a closing document due, the postponed wait for the next session
    started, admitted, refused, declined, postponed = (Case.objects.get(pk=c.pk) for c in five)
    assert (started.phase, started.start_date, started.referral_date) == (
        Phase.NEEDS_ANALYSIS,
        TODAY,
        HELD,
    )
    assert (admitted.phase, admitted.start_date, admitted.referral_date) == (
        Phase.REFERRED,
        None,
        HELD,
    )
    for case in (refused, declined):
        assert (case.phase, case.exit_reason, case.end_date) == (
            Phase.CLOSED,
            ExitReason.NOT_ADMITTED,
            HELD,
        )
        assert not case.closing_doc_due()
    assert not todo_items(fk_officer, today=TODAY).get("closing_doc")
    assert postponed.phase == Phase.REFERRED
    session.refresh_from_db()
    assert session.closed_on == TODAY and session.closed_by == coordinator

    # and the protocol lists every decision with its reason, for printing
    page = login(af_officer).get(reverse("preparation:protocol", args=[session.pk]))
    body = text(page)
    assert page.status_code == 200
    assert body.count("Antagen") == 2 and body.count("Inte antagen") == 2
    assert "Tillhör inte målgruppen: Har en anställning att återgå till." in body
    assert "Personen vill inte delta: Vill inte delta nu." in body
    assert "Bordlagd" in body and "Underlaget räcker inte" in body
    assert "Vårdcentralen Huddinge" in body
    assert f"{TODAY:%Y-%m-%d}, {coordinator.get_full_name()}" in body
    assert "@media print" in open("static/css/app.css", encoding="utf-8").read()

    # and nothing in a closed protocol changes any more
    with pytest.raises(ValidationError, match="justerat"):
        services.referral_add(session=session, case=five[4], context=ctx(fk_officer))


def test_the_decisions_rules(session, five, fk_officer):
    referral = services.referral_add(session=session, case=five[0], context=ctx(fk_officer))
    before = Referral.objects.get(pk=referral.pk).version

    cases = [
        # a reason of another decision
        (Decision.ADMITTED, Reason.DECLINED, "", "reason"),
        # not admitted needs its motivation in words
        (Decision.NOT_ADMITTED, Reason.NO_REHAB_NEED, "", "reason_text"),
        # "other" needs words too
        (Decision.POSTPONED, Reason.OTHER, "  ", "reason_text"),
        # a referral is not a consultation
        (Decision.CONSULTATION_ANSWERED, Reason.ANSWERED, "", "decision"),
    ]
    for decision, reason, words, field in cases:
        with pytest.raises(ValidationError) as refused:
            decide(referral, fk_officer, decision, reason, words)
        assert field in refused.value.message_dict, (decision, reason)
    with pytest.raises(ValidationError) as refused:
        decide(referral, fk_officer, Decision.POSTPONED, Reason.MORE_INFORMATION, start_on=TODAY)
    assert "start_on" in refused.value.message_dict

    # nothing was written by the refused attempts
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.decision, stored.version) == ("", before)
    assert Case.objects.get(pk=five[0].pk).phase == Phase.REFERRED

    # a decision is recorded once
    decide(referral, fk_officer, Decision.POSTPONED, Reason.MORE_INFORMATION)
    with pytest.raises(ValidationError, match="redan registrerat"):
        decide(referral, fk_officer, Decision.ADMITTED, Reason.CRITERIA_MET)


def test_no_decision_before_the_meeting_and_no_closing_with_undecided(
    area, five, coordinator, fk_officer
):
    planned = services.session_create(
        area=area, held_on=TODAY + dt.timedelta(days=7), context=ctx(coordinator)
    )
    referral = services.referral_add(session=planned, case=five[0], context=ctx(fk_officer))
    with pytest.raises(ValidationError, match="mötesdagen"):
        decide(referral, fk_officer, Decision.ADMITTED, Reason.CRITERIA_MET)
    with pytest.raises(ValidationError, match="efter mötet"):
        services.session_close(session=planned, expected_version=None, context=ctx(coordinator))

    held = services.session_create(area=area, held_on=HELD, context=ctx(coordinator))
    services.referral_add(session=held, case=five[1], context=ctx(fk_officer))
    with pytest.raises(ValidationError, match="beslut först"):
        services.session_close(session=held, expected_version=None, context=ctx(coordinator))


def test_only_referred_cases_of_the_area_are_presented(
    session, case, fk_officer, other_area, outsider
):
    with pytest.raises(ValidationError, match="anmälda"):
        services.referral_add(session=session, case=case, context=ctx(fk_officer))
    elsewhere = referred(other_area, outsider, None)
    with pytest.raises(ValidationError, match="annat område"):
        services.referral_add(session=session, case=elsewhere, context=ctx(fk_officer))
    with pytest.raises(PermissionDenied):
        services.referral_add(session=session, case=elsewhere, context=ctx(outsider))
    assert not Referral.objects.exists()


def test_af_consults_fk_about_a_person_by_personnummer(session, person, af_officer, login):
    client = login(af_officer)
    url = reverse("preparation:referral_add", args=[session.pk])

    # a number not in the area, then no question: a message, nothing stored
    client.post(url, {"personnummer": "19121212-1212", "question": "Vad gäller?"})
    client.post(url, {"personnummer": person.personnummer, "question": ""})
    assert not Referral.objects.exists()

    response = client.post(
        url, {"personnummer": person.personnummer, "question": "Kan FK bedöma arbetsförmågan?"}
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.kind, referral.person, referral.case) == ("consultation", person, None)
    with pytest.raises(ValidationError):
        decide(referral, af_officer, Decision.ADMITTED, Reason.CRITERIA_MET)
    decide(referral, af_officer, Decision.CONSULTATION_ANSWERED, Reason.ANSWERED, "FK utreder.")
    assert Referral.objects.get().decision == Decision.CONSULTATION_ANSWERED


def test_the_pages_through_a_browser_client(session, five, coordinator, fk_officer, login):
    client = login(coordinator)
    detail = reverse("preparation:session_detail", args=[session.pk])

    # the waiting referred cases are offered; one is taken up
    page = client.get(detail)
    assert page.status_code == 200
    for case in five:
        assert f'<option value="{case.pk}">' in page.content.decode()
    client.post(reverse("preparation:referral_add", args=[session.pk]), {"case": five[0].pk})
    referral = Referral.objects.get()

    # a decision without its motivation is refused next to the field, nothing stored
    url = reverse("preparation:referral_decide", args=[referral.pk])
    data = {
        "in_target_group": "no",
        "decision": "not_admitted",
        "reason": "not_target_group",
        "reason_text": "",
        "version": referral.version,
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert 'id="id_reason_text_error"' in refused.content.decode()
    assert Referral.objects.get().decision == ""

    done = client.post(url, {**data, "reason_text": "Har arbete att återgå till."})
    assert done.status_code == 302
    assert Case.objects.get(pk=five[0].pk).exit_reason == ExitReason.NOT_ADMITTED
    assert "Inte antagen" in text(client.get(detail))


def test_every_person_shown_is_logged_and_those_off_the_caseload_are_marked(
    session, five, area, coordinator, fk_officer, colleague, login
):
    stranger = referred(area, None, None)  # on nobody's caseload
    services.referral_add(session=session, case=five[0], context=ctx(fk_officer))
    services.referral_add(session=session, case=stranger, context=ctx(fk_officer))
    before = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first()

    login(fk_officer).get(reverse("preparation:protocol", args=[session.pk]))

    logged = AccessLog.objects.filter(pk__gt=before, object_type="referral", action="view")
    assert {(e.person_id, e.outside_caseload) for e in logged} == {
        (five[0].person_id, False),
        (stranger.person_id, True),
    }


@pytest.mark.parametrize("name", ["session_detail", "protocol", "session_notes"])
def test_another_areas_staff_get_404(session, outsider, other_coordinator, login, name):
    for user in (outsider, other_coordinator):
        response = login(user).get(reverse(f"preparation:{name}", args=[session.pk]))
        assert response.status_code == 404


def test_another_area_cannot_decide_or_close(session, five, fk_officer, outsider, login):
    referral = services.referral_add(session=session, case=five[0], context=ctx(fk_officer))
    client = login(outsider)
    assert client.get(reverse("preparation:referral_decide", args=[referral.pk])).status_code == 404
    response = client.post(reverse("preparation:session_close", args=[session.pk]))
    assert response.status_code == 404
    response = client.post(
        reverse("preparation:referral_add", args=[session.pk]), {"case": five[1].pk}
    )
    assert response.status_code == 404
    assert Referral.objects.count() == 1 and Session.objects.get().closed_on is None


def test_the_list_is_for_officers_and_coordinators(session, management, outsider, login):
    assert login(management).get(reverse("preparation:session_list")).status_code == 403
    page = login(outsider).get(reverse("preparation:session_list"))
    assert page.status_code == 200 and f"{HELD:%Y-%m-%d}" not in page.content.decode()


def test_fk_benefit_facts_do_not_reach_af_without_consent(
    session, area, fk_officer, af_officer, login
):
    case = referred(area, fk_officer, af_officer, benefit_end_date=HELD + dt.timedelta(days=200))
    referral = services.referral_add(session=session, case=case, context=ctx(fk_officer))
    assert referral.benefit_months_left == 6
    fk_page = text(login(fk_officer).get(reverse("preparation:protocol", args=[session.pk])))
    af_page = text(login(af_officer).get(reverse("preparation:protocol", args=[session.pk])))
    assert "6 månader kvar med ersättning" in fk_page
    assert "månader kvar med ersättning" not in af_page
    form = login(af_officer).get(reverse("preparation:referral_decide", args=[referral.pk]))
    assert 'name="benefit_months_left"' not in form.content.decode()


def test_the_demo_has_a_decided_session_and_one_to_come(db, monkeypatch):
    """demo.preparation, as load_demo runs it with the history (the history itself is left out
    here: it takes a minute)."""
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from accounts.models import Area
    from demo.preparation import preparation_load

    monkeypatch.setenv("DEMO_PASSWORD", "Demo-lösenord-för-test-2026")
    call_command("load_demo", "--without-history", stdout=io.StringIO())
    users = get_user_model().objects
    sdt = Area.objects.get(code="sdt")
    for _ in range(2):  # once per area
        preparation_load(
            area=sdt,
            fk_officer=users.get(username="fk.sdt"),
            af_officer=users.get(username="af.sdt"),
            coordinator=users.get(username="samordnare.sdt"),
            today=TODAY,
        )

    assert Session.objects.count() == 2
    past = Session.objects.filter(area__code="sdt", closed_on__isnull=False).get()
    assert sorted(past.referrals.values_list("decision", flat=True)) == sorted(
        ["admitted", "admitted", "not_admitted", "not_admitted", "postponed"]
    )
    coming = Session.objects.filter(area__code="sdt", closed_on__isnull=True).get()
    assert coming.referrals.count() == 2 and coming.held_on > TODAY


def test_a_case_waits_at_one_session_at_a_time_and_an_admitted_one_is_not_taken_up_again(
    session, area, five, coordinator, fk_officer
):
    later = services.session_create(area=area, held_on=HELD, context=ctx(coordinator))
    pending, admitted, postponed = (
        services.referral_add(session=session, case=c, context=ctx(fk_officer)) for c in five[:3]
    )
    decide(admitted, fk_officer, Decision.ADMITTED, Reason.CRITERIA_MET)
    decide(postponed, fk_officer, Decision.POSTPONED, Reason.MORE_INFORMATION)

    # waiting for a decision at the first session, or admitted there: refused, nothing written
    for case in five[:2]:
        with pytest.raises(ValidationError, match="väntar redan"):
            services.referral_add(session=later, case=case, context=ctx(fk_officer))
    assert not later.referrals.exists()
    # the postponed one comes back
    again = services.referral_add(session=later, case=five[2], context=ctx(fk_officer))
    assert again.case_id == five[2].pk
    assert pending.decision == ""


def test_the_session_and_its_protocol_in_english(session, five, coordinator, fk_officer, login):
    from django.conf import settings

    referral = services.referral_add(session=session, case=five[0], context=ctx(fk_officer))
    decide(referral, fk_officer, Decision.NOT_ADMITTED, Reason.DECLINED, "Vill inte nu.")
    client = login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    detail = text(client.get(reverse("preparation:session_detail", args=[session.pk])))
    protocol = text(client.get(reverse("preparation:protocol", args=[session.pk])))

    assert f"Preparation group {HELD:%Y-%m-%d}" in detail and "Not admitted" in detail
    assert "Minutes of the preparation group" in protocol
    for swedish in ("Upptagna", "Inte antagen", "Beslut", "Bedömning", "Justera protokollet"):
        assert swedish not in detail and swedish not in protocol, swedish


def test_a_case_that_moved_away_or_was_closed_meanwhile_needs_no_decision(
    session, area, other_area, five, coordinator, fk_officer, login
):
    """A referred case moved to another area (or closed from its own page) while it waits: the
    old area can no longer decide on it or see the person, and the protocol still closes."""
    from cases.services import case_move_area, case_transition

    moved, closed = (
        services.referral_add(session=session, case=c, context=ctx(fk_officer)) for c in five[:2]
    )
    case_move_area(case=five[0], to_area=other_area, on=TODAY, context=ctx(coordinator))
    case_transition(
        case=Case.objects.get(pk=five[1].pk),
        to_phase=Phase.CLOSED,
        on=TODAY,
        exit_reason="other",
        context=ctx(fk_officer),
    )

    with pytest.raises(ValidationError, match="inte längre anmält"):
        decide(moved, coordinator, Decision.NOT_ADMITTED, Reason.DECLINED, "Vill inte.")
    assert Case.objects.get(pk=five[0].pk).phase == Phase.REFERRED  # the new area's case
    page = text(login(fk_officer).get(reverse("preparation:session_detail", args=[session.pk])))
    assert five[0].person.full_name not in page

    services.session_close(session=session, expected_version=None, context=ctx(coordinator))
    assert Session.objects.get(pk=session.pk).closed_on == TODAY
    assert closed.decision == ""


def test_a_case_referred_after_the_session_is_not_taken_up(area, five, coordinator, fk_officer):
    earlier = services.session_create(
        area=area, held_on=HELD - dt.timedelta(days=10), context=ctx(coordinator)
    )
    with pytest.raises(ValidationError, match="efter mötesdagen"):
        services.referral_add(session=earlier, case=five[0], context=ctx(fk_officer))


def test_a_garbage_version_and_an_endless_text_are_refused_without_harm(
    session, five, coordinator, fk_officer, login
):
    referral = services.referral_add(session=session, case=five[0], context=ctx(fk_officer))
    client = login(coordinator)
    response = client.post(
        reverse("preparation:session_close", args=[session.pk]), {"version": "abc"}
    )
    assert response.status_code == 302
    assert Session.objects.get(pk=session.pk).closed_on is None

    response = client.post(
        reverse("preparation:referral_decide", args=[referral.pk]),
        {
            "decision": "not_admitted",
            "reason": "declined",
            "reason_text": "x" * 5000,
            "version": referral.version,
        },
    )
    assert response.status_code == 200 and 'id="id_reason_text_error"' in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).decision == ""
