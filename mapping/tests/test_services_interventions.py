"""The intervention services (SPEC §4, ADR 0008): planning and starting interventions, the case
phase moving with the support given, the move from work-preparatory to work-oriented support,
ending, editing, closing the case, and concurrent edits.

Cases are opened through cases.services, so phase transitions exist as they would in use."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AccessLog
from cases.models import Case, Phase, PhaseTransition
from cases.services import case_open, case_transition
from mapping.models import Intervention
from mapping.services import (
    intervention_create,
    intervention_end,
    intervention_move,
    intervention_start,
    intervention_update,
    plan_save,
)
from samverkan.services import AccessContext, ConcurrentEditError

TODAY = timezone.localdate
PLAN_RULE = "En individuell plan måste finnas före introduktion och prövning."


def days_ago(n):
    return TODAY() - dt.timedelta(days=n)


def messages_of(exc_info, field):
    return exc_info.value.message_dict.get(field, [])


@pytest.fixture
def started(person, fk_officer, af_officer):
    """A case in the needs analysis since 30 days (registered in samverkan 30 days ago)."""
    return case_open(
        person=person,
        phase=Phase.NEEDS_ANALYSIS,
        referral_date=days_ago(35),
        start_date=days_ago(30),
        fk_officer=fk_officer,
        af_officer=af_officer,
        target_group="sick_unemployed",
        context=AccessContext.for_user(fk_officer),
    )


def add_plan(case, user):
    return plan_save(
        case=case,
        goal="Arbete inom handeln",
        activities="Arbetsprövning",
        context=AccessContext.for_user(user),
    )


def create(case, user, **overrides):
    fields = {
        "kind": "wellness",
        "provider": "AF",
        "hours_per_week": 6,
        "goal": "Orka en regelbunden dag.",
    }
    fields.update(overrides)
    return intervention_create(case=case, context=AccessContext.for_user(user), **fields)


def running(case, user, *, started_days_ago=10, **overrides):
    """A work-preparatory intervention that has run since `started_days_ago` (plan added)."""
    if not case.plan_versions.exists():
        add_plan(case, user)
    return create(case, user, start_date=days_ago(started_days_ago), **overrides)


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- planning and starting --------------------------------------------------------------------


def test_a_planned_intervention_is_registered_in_the_needs_analysis_without_moving_the_phase(
    started, af_officer
):
    # given a case in the needs analysis, without a plan
    # when the AF officer plans a work-preparatory intervention starting next week
    planned = create(started, af_officer, planned_start=TODAY() + dt.timedelta(days=7))

    # then it is stored as planned (no start), and the case stays in the needs analysis
    planned.refresh_from_db()
    assert planned.start_date is None and planned.end_date is None
    assert planned.planned_start == TODAY() + dt.timedelta(days=7)
    assert planned.category == Intervention.Category.WORK_PREPARATORY
    assert planned.state_on(TODAY()) == "planned"
    assert planned.created_by == af_officer
    assert reload(started).phase == Phase.NEEDS_ANALYSIS
    assert planned.history.count() == 1
    assert AccessLog.objects.filter(
        action=AccessLog.Action.CREATE, object_type="intervention", object_id=str(planned.pk)
    ).exists()


def test_a_planned_start_in_the_past_is_refused(started, af_officer):
    with pytest.raises(ValidationError) as exc:
        create(started, af_officer, planned_start=days_ago(1))
    assert messages_of(exc, "planned_start")
    assert not Intervention.objects.exists()


def test_starting_an_intervention_without_a_plan_is_refused_and_saves_nothing(started, af_officer):
    # given a case in the needs analysis without an individual plan
    transitions = started.transitions.count()

    # when an intervention is registered as started
    with pytest.raises(ValidationError) as exc:
        create(started, af_officer, start_date=days_ago(2))

    # then the plan rule answers under the start date, and nothing is saved
    assert messages_of(exc, "start_date") == [PLAN_RULE]
    assert not Intervention.objects.exists()
    case = reload(started)
    assert case.phase == Phase.NEEDS_ANALYSIS and case.transitions.count() == transitions


def test_starting_a_planned_intervention_without_a_plan_is_refused(started, af_officer):
    planned = create(started, af_officer)

    with pytest.raises(ValidationError) as exc:
        intervention_start(
            intervention=planned,
            expected_version=planned.version,
            on=TODAY(),
            context=AccessContext.for_user(af_officer),
        )

    assert messages_of(exc, "start_date") == [PLAN_RULE]
    assert reload(planned).start_date is None and reload(planned).version == planned.version
    assert reload(started).phase == Phase.NEEDS_ANALYSIS


def test_starting_a_work_preparatory_intervention_moves_the_case_to_introduction_and_trial(
    started, af_officer
):
    # given a planned work-preparatory intervention and a plan
    planned = create(started, af_officer)
    add_plan(started, af_officer)

    # when it starts three days ago
    intervention_start(
        intervention=planned,
        expected_version=planned.version,
        on=days_ago(3),
        context=AccessContext.for_user(af_officer),
    )

    # then it runs from that day and the case moved to introduction and trial on that day
    planned.refresh_from_db()
    assert planned.start_date == days_ago(3) and planned.version == 2
    assert planned.state_on(TODAY()) == "active"
    case = reload(started)
    assert case.phase == Phase.INTRODUCTION_TRIAL
    last = case.transitions.order_by("-id").first()
    assert (last.from_phase, last.to_phase, last.date, last.by) == (
        Phase.NEEDS_ANALYSIS,
        Phase.INTRODUCTION_TRIAL,
        days_ago(3),
        af_officer,
    )


def test_a_started_work_oriented_intervention_moves_the_case_through_to_work_oriented(
    started, af_officer
):
    add_plan(started, af_officer)

    create(started, af_officer, kind="work_trial", provider="employer", start_date=days_ago(5))

    case = reload(started)
    assert case.phase == Phase.WORK_ORIENTED
    moves = list(
        PhaseTransition.objects.filter(case=case, date=days_ago(5)).values_list(
            "from_phase", "to_phase"
        )
    )
    assert moves == [
        (Phase.NEEDS_ANALYSIS, Phase.INTRODUCTION_TRIAL),
        (Phase.INTRODUCTION_TRIAL, Phase.WORK_ORIENTED),
    ]


def test_a_start_before_the_registration_in_samverkan_is_refused(started, af_officer):
    add_plan(started, af_officer)

    with pytest.raises(ValidationError) as exc:
        create(started, af_officer, start_date=days_ago(31))

    assert "före registreringen i samverkan" in messages_of(exc, "start_date")[0]
    assert not Intervention.objects.exists()
    assert reload(started).phase == Phase.NEEDS_ANALYSIS


def test_a_start_in_the_future_is_refused(started, af_officer):
    add_plan(started, af_officer)
    tomorrow = TODAY() + dt.timedelta(days=1)

    with pytest.raises(ValidationError) as exc:
        create(started, af_officer, start_date=tomorrow)
    assert messages_of(exc, "start_date") == ["Ange startdatum när insatsen har startat."]

    planned = create(started, af_officer)
    with pytest.raises(ValidationError) as exc:
        intervention_start(
            intervention=planned,
            expected_version=None,
            on=tomorrow,
            context=AccessContext.for_user(af_officer),
        )
    assert messages_of(exc, "start_date")
    assert reload(planned).start_date is None
    assert reload(started).phase == Phase.NEEDS_ANALYSIS


def test_an_intervention_is_not_started_twice(started, af_officer):
    current = running(started, af_officer)
    with pytest.raises(ValidationError, match="redan startat"):
        intervention_start(
            intervention=current,
            expected_version=None,
            on=TODAY(),
            context=AccessContext.system("test"),
        )


def test_no_intervention_in_a_closed_case(started, af_officer):
    case_transition(
        case=started,
        to_phase=Phase.CLOSED,
        on=TODAY(),
        exit_reason="completed",
        context=AccessContext.for_user(af_officer),
    )
    with pytest.raises(ValidationError, match="Ärendet är avslutat"):
        create(reload(started), af_officer)
    assert not Intervention.objects.exists()


# --- hours, provider, kind --------------------------------------------------------------------


def test_six_hours_a_week_is_fine_and_half_hours_too(started, af_officer):
    assert create(started, af_officer, hours_per_week=6).hours_per_week == Decimal("6")
    assert create(started, af_officer, hours_per_week="6.5").hours_per_week == Decimal("6.5")


@pytest.mark.parametrize("hours", [0, 41, "", "sex"])
def test_hours_outside_half_an_hour_to_full_time_are_refused(started, af_officer, hours):
    with pytest.raises(ValidationError) as exc:
        create(started, af_officer, hours_per_week=hours)
    assert messages_of(exc, "hours_per_week")
    assert not Intervention.objects.exists()


def test_a_purchased_intervention_needs_the_providers_name(started, af_officer):
    with pytest.raises(ValidationError) as exc:
        create(started, af_officer, provider="purchased", provider_name="  ")
    assert messages_of(exc, "provider_name") == ["Ange vem insatsen köps från."]
    assert not Intervention.objects.exists()

    bought = create(started, af_officer, provider="purchased", provider_name=" Friskis AB ")
    assert bought.provider_name == "Friskis AB"


def test_an_unknown_kind_or_provider_or_an_empty_goal_is_refused(started, af_officer):
    for overrides, field in (
        ({"kind": "yoga"}, "kind"),
        ({"provider": "kommunen"}, "provider"),
        ({"goal": "  "}, "goal"),
    ):
        with pytest.raises(ValidationError) as exc:
            create(started, af_officer, **overrides)
        assert messages_of(exc, field), field
    assert not Intervention.objects.exists()


# --- moving from work-preparatory to work-oriented ----------------------------------------------


def move(intervention, user, **overrides):
    fields = {
        "expected_version": intervention.version,
        "on": days_ago(2),
        "outcome": "goal_reached",
        "kind": "work_trial",
        "provider": "employer",
        "hours_per_week": 20,
        "goal": "Pröva arbete i butik.",
    }
    fields.update(overrides)
    return intervention_move(
        intervention=intervention, context=AccessContext.for_user(user), **fields
    )


def test_a_move_ends_the_preparatory_and_starts_the_work_oriented_the_same_day(started, af_officer):
    # given a work-preparatory intervention running since ten days, case in introduction
    preparatory = running(started, af_officer, started_days_ago=10)
    assert reload(started).phase == Phase.INTRODUCTION_TRIAL

    # when the officer moves the participant to a work trial two days ago
    oriented = move(preparatory, af_officer)

    # then the first ended that day with its outcome, the second started that day from it
    preparatory.refresh_from_db()
    assert (preparatory.end_date, preparatory.outcome) == (days_ago(2), "goal_reached")
    assert oriented.start_date == days_ago(2) and oriented.end_date is None
    assert oriented.category == Intervention.Category.WORK_ORIENTED
    assert oriented.moved_from == preparatory and preparatory.moved_to == oriented
    case = reload(started)
    assert case.phase == Phase.WORK_ORIENTED
    assert case.transitions.order_by("-id").first().date == days_ago(2)


def test_a_work_oriented_intervention_cannot_be_moved(started, af_officer):
    oriented = running(started, af_officer, kind="guidance")

    with pytest.raises(ValidationError, match="Bara en arbetsförberedande insats"):
        move(oriented, af_officer, kind="matching")

    assert reload(oriented).end_date is None
    assert Intervention.objects.count() == 1


def test_a_move_to_a_work_preparatory_kind_is_refused(started, af_officer):
    preparatory = running(started, af_officer)

    with pytest.raises(ValidationError) as exc:
        move(preparatory, af_officer, kind="ergonomics")

    assert messages_of(exc, "kind") == ["Välj en arbetslivsinriktad insats."]
    assert reload(preparatory).end_date is None
    assert reload(started).phase == Phase.INTRODUCTION_TRIAL


def test_a_move_refused_for_the_new_intervention_leaves_the_old_one_running(started, af_officer):
    # the old one is ended first inside the transaction: a refusal must undo that too
    preparatory = running(started, af_officer)

    with pytest.raises(ValidationError) as exc:
        move(preparatory, af_officer, provider="purchased", provider_name="")

    assert messages_of(exc, "provider_name")
    preparatory.refresh_from_db()
    assert preparatory.end_date is None and preparatory.outcome == ""
    assert preparatory.version == 1 and Intervention.objects.count() == 1
    assert reload(started).phase == Phase.INTRODUCTION_TRIAL


def test_a_planned_intervention_cannot_be_moved(started, af_officer):
    planned = create(started, af_officer)
    with pytest.raises(ValidationError, match="inte har startat"):
        move(planned, af_officer)
    assert Intervention.objects.count() == 1


# --- ending -----------------------------------------------------------------------------------


def test_an_intervention_ends_with_its_outcome_and_follow_up(started, af_officer):
    current = running(started, af_officer)

    intervention_end(
        intervention=current,
        expected_version=current.version,
        on=days_ago(1),
        outcome="partly_reached",
        follow_up_notes=" Orkar fyra timmar om dagen. ",
        context=AccessContext.for_user(af_officer),
    )

    current.refresh_from_db()
    assert (current.end_date, current.outcome) == (days_ago(1), "partly_reached")
    assert current.follow_up_notes == "Orkar fyra timmar om dagen."
    assert current.state_on(TODAY()) == "ended"


def test_ending_before_the_start_is_refused(started, af_officer):
    current = running(started, af_officer, started_days_ago=5)

    with pytest.raises(ValidationError) as exc:
        intervention_end(
            intervention=current,
            expected_version=None,
            on=days_ago(6),
            outcome="not_reached",
            context=AccessContext.system("test"),
        )

    assert messages_of(exc, "end_date") == ["Insatsen kan inte sluta före starten."]
    assert reload(current).end_date is None


def test_ending_needs_an_outcome_and_a_started_intervention(started, af_officer):
    current = running(started, af_officer)
    with pytest.raises(ValidationError) as exc:
        intervention_end(
            intervention=current,
            expected_version=None,
            on=TODAY(),
            outcome="",
            context=AccessContext.system("test"),
        )
    assert messages_of(exc, "outcome")

    planned = create(started, af_officer)
    with pytest.raises(ValidationError, match="inte har startat"):
        intervention_end(
            intervention=planned,
            expected_version=None,
            on=TODAY(),
            outcome="aborted",
            context=AccessContext.system("test"),
        )
    assert reload(current).end_date is None and reload(planned).end_date is None


# --- editing ----------------------------------------------------------------------------------


def test_the_outcome_is_recorded_only_once_the_intervention_has_ended(started, af_officer):
    current = running(started, af_officer)

    with pytest.raises(ValidationError) as exc:
        intervention_update(
            intervention=current,
            expected_version=None,
            data={"outcome": "goal_reached"},
            context=AccessContext.system("test"),
        )
    assert messages_of(exc, "outcome") == ["Resultatet registreras när insatsen avslutas."]
    assert reload(current).outcome == ""

    intervention_end(
        intervention=current,
        expected_version=None,
        on=TODAY(),
        outcome="aborted",
        context=AccessContext.system("test"),
    )
    intervention_update(
        intervention=current,
        expected_version=None,
        data={"outcome": "goal_reached"},
        context=AccessContext.system("test"),
    )
    assert reload(current).outcome == "goal_reached"


def test_an_edit_changes_the_description_and_keeps_history(started, af_officer):
    current = create(started, af_officer)

    intervention_update(
        intervention=current,
        expected_version=current.version,
        data={"hours_per_week": Decimal("8.5"), "goal": "Nytt mål", "provider": "healthcare"},
        context=AccessContext.for_user(af_officer),
    )

    current.refresh_from_db()
    assert (current.hours_per_week, current.goal, current.provider) == (
        Decimal("8.5"),
        "Nytt mål",
        "healthcare",
    )
    assert current.version == 2 and current.history.count() == 2


def test_a_stale_version_is_a_concurrent_edit_and_saves_nothing(started, af_officer, fk_officer):
    # given two officers who opened the same intervention at version 1
    current = running(started, af_officer)
    opened = current.version
    intervention_update(
        intervention=current,
        expected_version=opened,
        data={"goal": "Först"},
        context=AccessContext.for_user(fk_officer),
    )

    # when the second saves on the version they opened, every action refuses
    with pytest.raises(ConcurrentEditError):
        intervention_update(
            intervention=current,
            expected_version=opened,
            data={"goal": "Sen"},
            context=AccessContext.for_user(af_officer),
        )
    with pytest.raises(ConcurrentEditError):
        intervention_end(
            intervention=current,
            expected_version=opened,
            on=TODAY(),
            outcome="aborted",
            context=AccessContext.system("test"),
        )
    with pytest.raises(ConcurrentEditError):
        move(current, af_officer, expected_version=opened)

    # then the first officer's change stands and nothing else happened
    current.refresh_from_db()
    assert (current.goal, current.end_date, current.version) == ("Först", None, opened + 1)
    assert Intervention.objects.count() == 1


def test_a_stale_version_cannot_start_a_planned_intervention(started, af_officer):
    planned = create(started, af_officer)
    add_plan(started, af_officer)
    intervention_update(
        intervention=planned,
        expected_version=None,
        data={"goal": "Ändrat"},
        context=AccessContext.system("test"),
    )

    with pytest.raises(ConcurrentEditError):
        intervention_start(
            intervention=planned,
            expected_version=1,
            on=TODAY(),
            context=AccessContext.system("test"),
        )
    assert reload(planned).start_date is None
    assert reload(started).phase == Phase.NEEDS_ANALYSIS


# --- closing the case ------------------------------------------------------------------------


def test_closing_the_case_ends_running_interventions_that_day_and_leaves_planned_ones(
    started, af_officer
):
    # given a running and a planned intervention
    current = running(started, af_officer, started_days_ago=10)
    planned = create(started, af_officer, planned_start=TODAY() + dt.timedelta(days=3))

    # when the case is closed yesterday
    case_transition(
        case=reload(started),
        to_phase=Phase.CLOSED,
        on=days_ago(1),
        exit_reason="aborted_own_initiative",
        context=AccessContext.for_user(af_officer),
    )

    # then the running one ended that day (no outcome invented) and the planned one stays
    current.refresh_from_db()
    planned.refresh_from_db()
    assert (current.end_date, current.outcome) == (days_ago(1), "")
    assert (planned.start_date, planned.end_date) == (None, None)
    assert reload(started).phase == Phase.CLOSED


def test_a_planned_intervention_in_a_closed_case_cannot_be_started_or_changed(started, af_officer):
    planned = create(started, af_officer)
    add_plan(started, af_officer)
    case_transition(
        case=reload(started),
        to_phase=Phase.CLOSED,
        on=TODAY(),
        exit_reason="moved",
        context=AccessContext.system("test"),
    )

    with pytest.raises(ValidationError, match="Ärendet är avslutat"):
        intervention_start(
            intervention=planned,
            expected_version=None,
            on=TODAY(),
            context=AccessContext.system("test"),
        )
    with pytest.raises(ValidationError, match="Ärendet är avslutat"):
        intervention_update(
            intervention=planned,
            expected_version=None,
            data={"goal": "x"},
            context=AccessContext.system("test"),
        )
    assert reload(planned).start_date is None
    assert Case.objects.get(pk=started.pk).phase == Phase.CLOSED


# --- rules added after review -------------------------------------------------------------------


def test_a_case_cannot_close_before_an_intervention_started(started, af_officer):
    # given an intervention that started 5 days ago (introduction and trial from then)
    running(started, af_officer, started_days_ago=5)
    # when the case is closed 7 days ago
    with pytest.raises(ValidationError) as exc:
        case_transition(
            case=reload(started),
            to_phase=Phase.CLOSED,
            on=days_ago(7),
            exit_reason="completed",
            context=AccessContext.for_user(af_officer),
        )
    # then it is refused and the case and intervention stay as they were
    assert messages_of(exc, "on")
    assert reload(started).phase == Phase.INTRODUCTION_TRIAL
    assert started.interventions.get().end_date is None


def test_non_finite_hours_are_a_clear_error(started, af_officer):
    for hours in ("NaN", "Infinity"):
        with pytest.raises(ValidationError) as exc:
            create(started, af_officer, hours_per_week=hours)
        assert messages_of(exc, "hours_per_week")
    assert not Intervention.objects.exists()


def test_no_intervention_starts_after_the_last_day_in_samverkan(person, fk_officer, af_officer):
    # given a case registered 370 days ago, in introduction and trial since day 10
    case = case_open(
        person=person,
        phase=Phase.NEEDS_ANALYSIS,
        start_date=days_ago(370),
        fk_officer=fk_officer,
        af_officer=af_officer,
        context=AccessContext.for_user(fk_officer),
    )
    add_plan(case, af_officer)
    case_transition(
        case=case,
        to_phase=Phase.INTRODUCTION_TRIAL,
        on=days_ago(360),
        context=AccessContext.for_user(af_officer),
    )
    # when an intervention is registered as started today (day 370 > 365)
    with pytest.raises(ValidationError) as exc:
        create(case, af_officer, start_date=days_ago(0))
    # then it is refused; day 365 itself is still allowed
    assert messages_of(exc, "start_date")
    assert create(case, af_officer, start_date=days_ago(5)).start_date == days_ago(5)


def test_no_intervention_starts_before_introduction_and_trial_began(started, af_officer):
    # given a case in introduction and trial since 10 days ago
    running(started, af_officer, started_days_ago=10)
    # when another intervention is registered as started 20 days ago
    with pytest.raises(ValidationError) as exc:
        create(started, af_officer, kind="ergonomics", start_date=days_ago(20))
    # then it is refused
    assert messages_of(exc, "start_date")
    assert started.interventions.count() == 1


def test_the_planned_start_of_a_started_intervention_cannot_change(started, af_officer):
    current = running(started, af_officer)
    with pytest.raises(ValidationError) as exc:
        intervention_update(
            intervention=current,
            expected_version=current.version,
            data={"planned_start": days_ago(-3)},
            context=AccessContext.for_user(af_officer),
        )
    assert messages_of(exc, "planned_start")
    assert reload(current).planned_start is None
