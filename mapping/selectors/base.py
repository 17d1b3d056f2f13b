"""Scoped lists, the facts behind the meeting suggestions (SPEC §3 rule 7) and the support state
of a case on a day."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from ..models import (
    Intervention,
    JointMapping,
    Meeting,
    PlanVersion,
)


def mapping_list_visible_to(*, user) -> QuerySet[JointMapping]:
    return JointMapping.objects.visible_to(user).select_related(
        "person", "area", "fk_officer", "af_officer", "fk_office", "af_office", "case"
    )


def meeting_list_visible_to(*, user) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user).select_related("person", "person__area")


def intervention_list_visible_to(*, user) -> QuerySet[Intervention]:
    return Intervention.objects.visible_to(user).select_related("case", "case__person")


def last_follow_ups(case_ids) -> dict[int, dt.date]:
    """The latest meeting date per case, in one query."""
    rows = Meeting.objects.filter(case_id__in=case_ids).values("case_id").annotate(last=Max("date"))
    return {row["case_id"]: row["last"] for row in rows}


def case_flag_facts(cases) -> dict[int, dict]:
    """What `cases.flags.case_flags` reads from this layer, per case, in four queries whatever
    the number of cases (registered in mapping.apps): the suggestions' facts, the last
    follow-up meeting and whether an individual plan exists (SPEC §3 rules 4 and 7, §5)."""
    cases = list(cases)
    ids = [case.pk for case in cases]
    facts = suggestion_facts(cases)
    follow_ups = last_follow_ups(ids)
    planned = set(PlanVersion.objects.filter(case_id__in=ids).values_list("case_id", flat=True))
    for case in cases:
        facts[case.pk]["last_follow_up"] = follow_ups.get(case.pk)
        facts[case.pk]["has_plan"] = case.pk in planned
    return facts


def suggestion_facts(cases) -> dict[int, dict[str, bool]]:
    """Per case, in two queries: has the person had a kontaktmöte since the sick-leave case began,
    and has a joint mapping been considered (the case came from one, or one was requested since
    the case began)? `cases.flags.case_flags` turns the answers into suggestions."""
    cases = list(cases)
    person_ids = {c.person_id for c in cases}
    contacts: dict[int, list[dt.date]] = {}
    for person_id, day in Meeting.objects.filter(
        person_id__in=person_ids, kind=Meeting.Kind.CONTACT
    ).values_list("person_id", "date"):
        contacts.setdefault(person_id, []).append(day)
    mappings: dict[int, list[tuple]] = {}
    for person_id, case_id, requested in JointMapping.objects.filter(
        person_id__in=person_ids
    ).values_list("person_id", "case_id", "requested_on"):
        mappings.setdefault(person_id, []).append((case_id, requested))
    facts = {}
    for case in cases:
        since = case.sick_leave_start or dt.date.min
        first_day = case.referral_date or case.start_date or timezone.localdate(case.created_at)
        facts[case.pk] = {
            "contact_meeting_held": any(d >= since for d in contacts.get(case.person_id, [])),
            "mapping_considered": any(
                case_id == case.pk or (requested and requested >= first_day)
                for case_id, requested in mappings.get(case.person_id, [])
            ),
        }
    return facts


# --- support state on a day ---------------------------------------------------------------------

IN_MAPPING = "in_mapping"
ACTIVE = "active"
WAITING = "waiting"


def cases_with_support_state(cases: QuerySet, day: dt.date) -> QuerySet:
    """Annotate each case open on `day` with `support_state`:

    - `active`: an intervention runs that day, or none is planned (the needs analysis and the
      time between interventions are active support);
    - `waiting`: no intervention runs that day but one is planned and has not started
      (planned work-preparatory or planned work-oriented, SPEC §3 waiting states).

    Set-based: two EXISTS subqueries, so a report can count by state in one query."""
    from django.db.models import Case as SqlCase
    from django.db.models import CharField, Value, When

    running = Intervention.objects.filter(case=OuterRef("pk")).active_on(day)
    planned = Intervention.objects.filter(case=OuterRef("pk")).planned_on(day)
    return (
        cases.filter(start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
        .annotate(
            support_state=SqlCase(
                When(Exists(running), then=Value(ACTIVE)),
                When(Exists(planned), then=Value(WAITING)),
                default=Value(ACTIVE),
                output_field=CharField(),
            )
        )
    )


def mappings_with_support_state(mappings: QuerySet, day: dt.date) -> QuerySet:
    """Mappings open on `day`: `waiting` for the first meeting, or `in_mapping` once held."""
    from django.db.models import Case as SqlCase
    from django.db.models import CharField, Value, When

    return (
        mappings.filter(requested_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .annotate(
            support_state=SqlCase(
                When(first_meeting_on__lte=day, then=Value(IN_MAPPING)),
                default=Value(WAITING),
                output_field=CharField(),
            )
        )
    )
