"""The rows of each export kind as one `values()` queryset (SPEC §6, §7; ADR 0013): every column
is computed by PostgreSQL (the secrecy between the agencies, anonymity, day 365 and its outcome,
the situations at start and end, and in a coarsened export the months and age bands), so a
hidden or exact value never leaves the database and the rows can be read through a server-side
cursor (exports.selectors.rows)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    F,
    FilteredRelation,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import Coalesce, ExtractYear

from cases.models import Case
from cases.secrecy import fk_facts_visible, not_anonymous_on
from mapping.models import Intervention, JointMapping
from reporting.metrics.base import AgeOn, age_band
from reporting.metrics.outcomes import counted_on_day_365, day_365_of, outcome_on_day_365

from ..columns import KINDS, columns_for
from .kanon import k_anonymous_sql, person_levels_sql
from .scope import (
    FULL,
    export_cases,
    export_interventions,
    export_mappings,
    outside_caseload_expression,
)

# --- what was asked for -----------------------------------------------------------------------


@dataclass(frozen=True)
class ExportQuery:
    """One export: the kind, for whom, the areas asked for (None: all the user's) and the
    period on the kind's main date (participants: start, else referral; interventions: start;
    mappings: the mapping's date), both ends included."""

    kind: str
    mode: str
    agency_code: str
    area_ids: tuple[int, ...] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    # A full-identity export with a stated reason: people of the areas off the caseload too.
    outside: bool = False
    # A coarsened export's rows come in an order of its own (keyed by the export id), so their
    # order does not tell the order in which the cases were registered.
    order_key: str = ""
    # A coarsened export's grading (exports.CoarsenedExport): the level each person is shown at.
    graded_by: int | None = None

    @property
    def full_identity(self) -> bool:
        return self.mode == FULL


# --- SQL building blocks ----------------------------------------------------------------------
#
# The rules themselves live below the exports, each once: the secrecy between the agencies and
# who is anonymous in cases.secrecy (with the consent in force on a day, Consent.objects
# .in_force_on), day 365 and its outcome in reporting.metrics.outcomes. The export only puts
# them into its columns.


def _fk_visible(query: ExportQuery, today: dt.date, person: str):
    """Whether FK's benefit facts reach the exporter today (cases.secrecy). A coarsened
    export acts for no agency: it sees them only while the person's consent covers sharing."""
    agency_code = query.agency_code if query.full_identity else ""
    return fk_facts_visible(agency_code=agency_code, day=today, person=person)


def _fk_fact(field: str, output_field):
    """`field` where FK's facts are visible (the `h_fk_visible` annotation), NULL elsewhere:
    a hidden value never leaves the database."""
    return SqlCase(
        When(h_fk_visible=True, then=F(field)), default=Value(None), output_field=output_field
    )


def _fk_facts(fields: dict[str, object]) -> dict:
    """FK's facts `{name: output field}` (cases.secrecy FK_FIELDS and FK_DERIVED), each masked,
    and the column `fk_facts_hidden` saying whether they are."""
    return {
        **{name: _fk_fact(name, output_field) for name, output_field in fields.items()},
        "fk_facts_hidden": SqlCase(
            When(h_fk_visible=True, then=Value(False)),
            default=Value(True),
            output_field=BooleanField(),
        ),
    }


def _anonymous_on(day: dt.date, person: str, prefix: str):
    """Anonymous participant on `day` (SPEC §3, cases.secrecy.not_anonymous_on)."""
    return SqlCase(
        When(not_anonymous_on(day, person, prefix), then=Value(False)),
        default=Value(True),
        output_field=BooleanField(),
    )


FK_BENEFIT_FACTS = {
    "benefit": CharField(),
    "benefit_end_date": DateField(),
    "sick_leave_start": DateField(),
}

SITUATION_FIELDS = [
    "registered_with_af",
    "employed",
    "employer_orgnr",
    "own_business",
    "working",
    "work_share_percent",
    "studying",
    "public_support_months",
]


def _participants(query: ExportQuery, user, today: dt.date) -> QuerySet:
    cases = Case.objects.filter(pk__in=export_cases(user=user, outside=query.outside).values("pk"))
    cases = _filter(cases, query, Coalesce("start_date", "referral_date"), "area_id")
    cases = cases.annotate(
        sit_start=FilteredRelation("situations", condition=Q(situations__moment="start")),
        sit_end=FilteredRelation("situations", condition=Q(situations__moment="end")),
        h_fk_visible=_fk_visible(query, today, "person_id"),
        h_day_365=day_365_of("start_date"),
    )
    # The outcome as reporting.metrics.outcomes measures it, once day 365 has come.
    day_come = Q(h_day_365__lte=today)
    fields = {
        "case_id": F("pk"),
        "personnummer": F("person__personnummer"),
        "first_name": F("person__first_name"),
        "last_name": F("person__last_name"),
        "birth_date": F("person__birth_date"),
        "sex": F("person__sex"),
        "birth_year": ExtractYear("person__birth_date"),
        "age_at_start": AgeOn(F("person__birth_date"), F("start_date")),
        "area_code": F("area__code"),
        "fk_office_code": F("fk_office__code"),
        "af_office_code": F("af_office__code"),
        "anonymous": _anonymous_on(today, "person_id", "person__"),
        "target_group": F("target_group"),
        **_fk_facts(FK_BENEFIT_FACTS),
        "referral_date": F("referral_date"),
        "start_date": F("start_date"),
        "end_date": F("end_date"),
        "exit_reason": F("exit_reason"),
        "phase": F("phase"),
        "born_abroad": F("person__born_abroad"),
        "education_level": F("person__education_level"),
        "disability": F("person__disability"),
        **{f"start_{name}": F(f"sit_start__{name}") for name in SITUATION_FIELDS},
        **{f"end_{name}": F(f"sit_end__{name}") for name in SITUATION_FIELDS},
        "day_365": F("h_day_365"),
        "status_day_365": SqlCase(
            When(day_come, then=outcome_on_day_365("h_day_365")),
            default=Value(None),
            output_field=CharField(),
        ),
        "outcome_counted": SqlCase(
            When(day_come & counted_on_day_365("h_day_365"), then=Value(True)),
            When(day_come, then=Value(False)),
            default=Value(None),
            output_field=BooleanField(),
        ),
        "subject_person_id": F("person_id"),
        "subject_area_id": F("area_id"),
        "outside_caseload": outside_caseload_expression(
            user=user, outside=query.outside, person="person_id"
        ),
    }
    age = AgeOn(F("person__birth_date"), Coalesce("start_date", "referral_date", Value(today)))
    return _values(cases, fields, query, age=age)


def _interventions(query: ExportQuery, user, today: dt.date) -> QuerySet:
    rows = Intervention.objects.filter(
        pk__in=export_interventions(user=user, outside=query.outside).values("pk")
    )
    rows = _filter(rows, query, F("start_date"), "case__area_id")
    fields = {
        "intervention_id": F("pk"),
        "case_id": F("case_id"),
        "personnummer": F("case__person__personnummer"),
        "first_name": F("case__person__first_name"),
        "last_name": F("case__person__last_name"),
        "area_code": F("case__area__code"),
        "anonymous": _anonymous_on(today, "case__person_id", "case__person__"),
        "category": F("category"),
        "kind": F("kind"),
        "provider": F("provider"),
        "hours_per_week": F("hours_per_week"),
        "planned_start": F("planned_start"),
        "start_date": F("start_date"),
        "end_date": F("end_date"),
        "outcome": F("outcome"),
        "moved_from_intervention_id": F("moved_from_id"),
        "subject_person_id": F("case__person_id"),
        "subject_area_id": F("case__area_id"),
        "outside_caseload": outside_caseload_expression(
            user=user, outside=query.outside, person="case__person_id"
        ),
    }
    return _values(rows, fields, query)


def _mappings(query: ExportQuery, user, today: dt.date) -> QuerySet:
    rows = JointMapping.objects.filter(
        pk__in=export_mappings(user=user, outside=query.outside).values("pk")
    )
    rows = rows.with_sick_leave_band()
    rows = _filter(rows, query, F("mapping_date"), "area_id")
    rows = rows.annotate(h_fk_visible=_fk_visible(query, today, "person_id"))
    fields = {
        "mapping_id": F("pk"),
        "personnummer": F("person__personnummer"),
        "first_name": F("person__first_name"),
        "last_name": F("person__last_name"),
        "sex": F("person__sex"),
        "birth_year": ExtractYear("person__birth_date"),
        "age_at_mapping": AgeOn(F("person__birth_date"), F("mapping_date")),
        "area_code": F("area__code"),
        "fk_office_code": F("fk_office__code"),
        "af_office_code": F("af_office__code"),
        "anonymous": _anonymous_on(today, "person_id", "person__"),
        "case_id": F("case_id"),
        "initiated_by": F("initiated_by"),
        "requested_on": F("requested_on"),
        "request_received_on": F("request_received_on"),
        "first_meeting_on": F("first_meeting_on"),
        "mapping_date": F("mapping_date"),
        "ended_on": F("ended_on"),
        **_fk_facts({**FK_BENEFIT_FACTS, "sick_leave_band": CharField()}),
        "participants": F("participants"),
        "decision": F("decision"),
        "decision_date": F("decision_date"),
        "subject_person_id": F("person_id"),
        "subject_area_id": F("area_id"),
        "outside_caseload": outside_caseload_expression(
            user=user, outside=query.outside, person="person_id"
        ),
    }
    age = AgeOn(F("person__birth_date"), Coalesce("mapping_date", Value(today)))
    return _values(rows, fields, query, age=age)


def _registrations(query: ExportQuery, user, today: dt.date) -> QuerySet:
    from .points import registration_points  # it builds on this module's blocks

    return registration_points(query, user, today)


QUERIES = {
    "participants": _participants,
    "interventions": _interventions,
    "mappings": _mappings,
    "registrations": _registrations,
}
LOGGED_AS = {
    "participants": "case",
    "interventions": "intervention",
    "mappings": "jointmapping",
    "registrations": "registrationpoint",
}
ROW_ID = {
    "participants": "case_id",
    "interventions": "intervention_id",
    "mappings": "mapping_id",
    "registrations": "point_id",
}


def _filter(queryset: QuerySet, query: ExportQuery, main_date, area_field: str) -> QuerySet:
    if query.area_ids is not None:
        queryset = queryset.filter(**{f"{area_field}__in": query.area_ids})
    if query.date_from or query.date_to:
        queryset = queryset.alias(x_main_date=main_date)
        if query.date_from:
            queryset = queryset.filter(x_main_date__gte=query.date_from)
        if query.date_to:
            queryset = queryset.filter(x_main_date__lte=query.date_to)
    return queryset


# What every row carries besides its columns: the personnummer (for person_key), whether the
# person is anonymous, and the subject the access log records.
ROW_EXTRAS = ["personnummer", "anonymous", "subject_person_id", "subject_area_id"]


def _month(expression):
    """A date as its month, YYYY-MM, computed by PostgreSQL: the day never leaves it."""
    return Func(expression, Value("YYYY-MM"), function="TO_CHAR", output_field=CharField())


def _coarsened(query: ExportQuery, fields: dict, age) -> dict:
    """The coarsened export's columns (exports.columns): dates as months, the age band instead
    of the birth year and the exact age, no identity; ids stay raw here (the keys are made from
    them when the row is shaped)."""
    dates = {column.name for column in KINDS[query.kind] if column.type == "date"}
    wanted = {}
    for column in columns_for(query.kind, full_identity=False):
        if column.name == "age_band":
            wanted["age_band"] = age_band(age)
        elif column.name in dates:
            wanted[column.name] = _month(fields[column.name])
        elif column.name in fields:
            wanted[column.name] = fields[column.name]
    return {**wanted, **{name: fields[name] for name in ROW_EXTRAS}}


def _values(queryset: QuerySet, fields: dict, query: ExportQuery, age=None) -> QuerySet:
    """The fields under `x_`-prefixed names (model field names cannot be reused for
    annotations), as dicts, in id order so a file is the same however it is cut. A coarsened
    export selects only its coarsened columns (the k-anonymity check, exports.selectors.kanon,
    wraps this query and orders it)."""
    if not query.full_identity:
        fields = _coarsened(query, fields, age)
    aliases = {f"x_{name}": expression for name, expression in fields.items()}
    return queryset.annotate(**aliases).order_by("pk").values(*aliases)


def export_queryset(query: ExportQuery, *, user, today: dt.date) -> QuerySet:
    """The export's rows as a values() queryset of `x_<column>` keys (before the k-anonymity
    check of a coarsened export: `export_sql`)."""
    return QUERIES[query.kind](query, user, today)


def _sql_and_names(query: ExportQuery, *, user, today: dt.date) -> tuple[str, tuple, list[str]]:
    queryset = export_queryset(query, user=user, today=today)
    sql, params = queryset.query.sql_with_params()
    names = [name.removeprefix("x_") for name in queryset.query.values_select] + [
        name.removeprefix("x_") for name in queryset.query.annotation_select
    ]
    return sql, params, names


def _all_kinds(query: ExportQuery, *, user, today: dt.date) -> dict:
    """Every kind's query with the export's areas and period: the files of one export can be
    joined, so a coarsened export is graded and checked over all of them."""
    return {
        kind: _sql_and_names(dataclasses.replace(query, kind=kind), user=user, today=today)
        for kind in QUERIES
    }


def export_levels_sql(query: ExportQuery, *, user, today: dt.date) -> tuple[str, tuple]:
    """`SELECT person, level, signature` for the people of a coarsened export, graded once over
    every kind (exports.selectors.kanon), whichever kind `query` asks for."""
    return person_levels_sql(_all_kinds(query, user=user, today=today))


def export_sql(query: ExportQuery, *, user, today: dt.date) -> tuple[str, tuple]:
    """A coarsened export's rows as SQL: the people of its grading (`query.graded_by`) whose
    rows still show what they were graded on, each at their level."""
    if query.graded_by is None:
        raise ValueError("a coarsened export is read only after its people are graded")
    return k_anonymous_sql(
        _all_kinds(query, user=user, today=today),
        kind=query.kind,
        row_id=ROW_ID[query.kind],
        order_key=query.order_key,
        export_pk=query.graded_by,
    )


def export_count(query: ExportQuery, *, user, today: dt.date) -> int:
    if query.full_identity:
        return export_queryset(query, user=user, today=today).count()
    sql, params = export_sql(query, user=user, today=today)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS checked", params)  # noqa: S608
        return cursor.fetchone()[0]
