"""The valid creations through the API's lists (meetings, plans, phase transitions,
interventions), for access_change_payloads.PAYLOADS: builder(person, case) -> (None, the JSON
body, a check that the record changed). Bodies as the routes' own API tests send them; the case
is conftest.py's, in the needs analysis since 30 days."""

import datetime as dt

from django.utils import timezone


def _days_ago(days):
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def _meeting(person, case):
    body = {"case": case.pk, "kind": "follow_up", "date": _days_ago(1), "participants": ["AF"]}
    return None, body, lambda: case.meetings.exists()


def _plan(person, case):
    body = {"case": case.pk, "goal": "Arbete inom lager", "activities": "A", "version": 0}
    return None, body, lambda: case.plan_versions.filter(goal="Arbete inom lager").exists()


def _transition(person, case):
    from mapping.services import plan_save
    from samverkan.services import AccessContext

    context = AccessContext.system("test")
    plan_save(case=case, goal="Arbete i handeln", activities="Arbetsprövning", context=context)
    case.refresh_from_db()
    body = {
        "case": case.pk,
        "to_phase": "introduction_trial",
        "date": _days_ago(0),
        "version": case.version,
    }
    return None, body, lambda: case.transitions.filter(to_phase="introduction_trial").exists()


def _intervention(person, case):
    body = {
        "case": case.pk,
        "kind": "wellness",
        "provider": "AF",
        "hours_per_week": "6.5",
        "goal": "Orka en dag",
        "planned_start": _days_ago(-7),
    }
    return None, body, lambda: case.interventions.exists()


API_CREATIONS = {
    "api:meeting-list": _meeting,
    "api:plan-list": _plan,
    "api:phase-transition-list": _transition,
    "api:intervention-list": _intervention,
}


def _patch(make, field, value):
    """A PATCH of one field of an object `make(person, case)` returns, with its version."""

    def build(person, case):
        obj = make(person, case)

        def changed():
            obj.refresh_from_db()
            return getattr(obj, field) == value

        return obj, {"version": obj.version, field: value}, changed

    return build


def _a_meeting(person, case):
    from mapping.services import meeting_create
    from samverkan.services import AccessContext

    return meeting_create(
        person=person,
        mapping=None,
        kind="follow_up",
        on=timezone.localdate() - dt.timedelta(days=2),
        participants=["AF"],
        notes="",
        context=AccessContext.system("test"),
    )


def _an_intervention(person, case):
    from mapping.services import intervention_create
    from samverkan.services import AccessContext

    return intervention_create(
        case=case,
        kind="wellness",
        provider="AF",
        hours_per_week=6,
        goal="Orka en dag.",
        context=AccessContext.system("test"),
    )


def _a_mapping(person, case):
    from samverkan.tests.access_change_payloads import _mapping

    return _mapping(person, case)


API_PATCHES = {
    "api:meeting-detail": _patch(_a_meeting, "notes", "Uppföljning gjord"),
    "api:intervention-detail": _patch(_an_intervention, "goal", "Orka två dagar"),
    "api:mapping-detail": _patch(_a_mapping, "rough_plan", "Kartlägga arbetsförmåga"),
}
