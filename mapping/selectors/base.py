"""Scoped lists, the facts behind the meeting suggestions (SPEC §3 rule 7) and the support state
of a case on a day."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
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


def suggestion_annotations() -> dict:
    """SQL, for each case of a query: has the person had a kontaktmöte since the sick-leave case
    began, and has a joint mapping been considered (the case came from one, or one was
    requested since the case began, its first day counted in local time)? `cases.flags`
    turns the answers into suggestions (SPEC §3 rule 7)."""
    first_day = Coalesce(
        OuterRef("referral_date"),
        OuterRef("start_date"),
        TruncDate(
            ExpressionWrapper(OuterRef("created_at"), output_field=DateTimeField()),
            tzinfo=timezone.get_current_timezone(),
        ),
    )
    return {
        "contact_meeting_held": Exists(
            Meeting.objects.filter(
                person_id=OuterRef("person_id"),
                kind=Meeting.Kind.CONTACT,
                date__gte=Coalesce(OuterRef("sick_leave_start"), Value(dt.date.min)),
            )
        ),
        "mapping_considered": Exists(
            JointMapping.objects.filter(person_id=OuterRef("person_id")).filter(
                Q(case_id=OuterRef("pk")) | Q(requested_on__gte=first_day)
            )
        ),
    }


def case_fact_annotations() -> dict:
    """SQL, for each case of a query, what `cases.flags.case_flags` reads from this layer
    (registered in mapping.apps): the suggestions' facts, the last follow-up meeting and whether
    an individual plan exists (SPEC §3 rules 4 and 7, §5). The worklist sorts and filters its
    whole list by them in SQL; every page reads them for its cases in one query."""
    last = (
        Meeting.objects.filter(case_id=OuterRef("pk"))
        .order_by()
        .values("case_id")
        .annotate(last=Max("date"))
        .values("last")
    )
    return {
        **suggestion_annotations(),
        "last_follow_up": Subquery(last, output_field=DateField()),
        "has_plan": Exists(PlanVersion.objects.filter(case_id=OuterRef("pk"))),
    }


def suggestion_facts(cases) -> dict[int, dict[str, bool]]:
    """Per case, in one query: the facts of `suggestion_annotations`."""
    from cases.models import Case

    annotations = suggestion_annotations()
    rows = (
        Case.objects.filter(pk__in=[case.pk for case in cases])
        .annotate(**annotations)
        .values("pk", *annotations)
    )
    return {row.pop("pk"): row for row in rows}


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
