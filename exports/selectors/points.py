"""The rows of the SUS-style export (issue 20 point 7): the registration points of SPEC §3
(national.models.RegistrationPoint) of what the other kinds export, built from the blocks of
exports.selectors.queries (its `_registrations` kind calls this)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case as SqlCase
from django.db.models import CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from national.models import RegistrationPoint
from reporting.metrics.base import AgeOn

from .queries import SITUATION_FIELDS, ExportQuery, _anonymous_on, _filter, _values
from .scope import export_cases, export_interventions, export_mappings, outside_caseload_expression


def registration_points(query: ExportQuery, user, today: dt.date) -> QuerySet:
    """The registration points (national.models.RegistrationPoint) of what the other kinds
    export: a mapping's points where its mapping is exported, an intervention's where its
    intervention is, a case's own (registered, ended) where its case is."""
    outside = query.outside
    rows = RegistrationPoint.objects.filter(
        Q(mapping_id__in=export_mappings(user=user, outside=outside).values("pk"))
        | Q(intervention_id__in=export_interventions(user=user, outside=outside).values("pk"))
        | Q(
            mapping_id__isnull=True,
            intervention_id__isnull=True,
            case_id__in=export_cases(user=user, outside=outside).values("pk"),
        )
    )
    rows = _filter(rows, query, F("date"), "area_id")
    fields = {
        "point_id": F("pk"),
        "case_id": F("case_id"),
        "mapping_id": F("mapping_id"),
        "intervention_id": F("intervention_id"),
        "personnummer": F("person__personnummer"),
        "first_name": F("person__first_name"),
        "last_name": F("person__last_name"),
        "sex": F("person__sex"),
        "birth_year": ExtractYear("person__birth_date"),
        "area_code": F("area__code"),
        "anonymous": _anonymous_on(today, "person_id", "person__"),
        "point": F("point"),
        "point_date": F("date"),
        "category": F("category"),
        "ended_how": F("ended_how"),
        "exit_reason": SqlCase(
            When(point="ended", then=F("case__exit_reason")),
            default=Value(""),
            output_field=CharField(),
        ),
        **{f"situation_{name}": F(f"situation__{name}") for name in SITUATION_FIELDS},
        "sus_registered_on": F("case__sus_registered_on"),
        "sus_id": F("case__sus_id"),
        "ais_registered_on": F("case__ais_registered_on"),
        "ais_id": F("case__ais_id"),
        "subject_person_id": F("person_id"),
        "subject_area_id": F("area_id"),
        "outside_caseload": outside_caseload_expression(
            user=user, outside=outside, person="person_id"
        ),
    }
    # The age band a person's case or mapping row shows (participants: on the registration day,
    # else the referral, else today; mappings: on the mapping's date): nothing new to grade
    # (exports.selectors.kanon.UNGRADED).
    day = SqlCase(
        When(
            mapping_id__isnull=False,
            then=Coalesce("mapping__first_meeting_on", "mapping__requested_on", Value(today)),
        ),
        default=Coalesce("case__start_date", "case__referral_date", Value(today)),
    )
    return _values(rows, fields, query, age=AgeOn(F("person__birth_date"), day))
