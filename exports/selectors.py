"""Who may export which rows, and the rows themselves (SPEC §6, §7; ADR 0013).

One selector decides the rows for the API, the browser and the Celery task alike:

- a user with case access (officers, coordinators) exports exactly the cases of their list,
  `cases.selectors.case_list_on_caseload` (the same as `/api/v1/cases/`), with full identity;
- a role with `exports_pseudonymised` (the export job, the national analyst) exports every case
  of their areas (every area with national statistics) without names, the personnummer replaced
  by a keyed pseudonym (exports.pseudonyms) and the birth date by the year;
- everyone else exports nothing.

The rows are `values()` querysets: every column is computed by PostgreSQL (the secrecy between
the agencies, the status on day 365, the situations at start and end), read through a
server-side cursor in chunks, so memory stays flat whatever the number of rows. Python only
renames, pseudonymises and, for pseudonymised exports, empties what an anonymous participant
must not show (SPEC §3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.db import DatabaseError, connection
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import Coalesce, ExtractYear

from accounts.scoping import scope_for
from cases.models import Case, Consent
from cases.selectors import _team_user_ids, case_list_on_caseload, caseload_cases
from mapping.models import Intervention, JointMapping
from reporting.metrics.base import OUTCOME_DAY, AgeOn, PlusDays, status_category_on

from .columns import columns_for

FULL = "full"
PSEUDONYMISED = "pseudonymised"

# Rows fetched from the server-side cursor at a time: the most rows Python holds at once.
CHUNK_SIZE = 2000


# --- who may export what ----------------------------------------------------------------------


def export_mode_for(user) -> str | None:
    """FULL for case access, PSEUDONYMISED for the export capability, None for no exports."""
    scope = scope_for(user)
    if scope.case_access:
        return FULL
    if scope.exports_pseudonymised and (scope.area_ids or scope.national_aggregates):
        return PSEUDONYMISED
    return None


def export_area_ids_for(user) -> frozenset[int] | None:
    """The areas the user's exports may cover; None is every area (national statistics)."""
    scope = scope_for(user)
    if export_mode_for(user) == PSEUDONYMISED and scope.national_aggregates:
        return None
    if export_mode_for(user) is None:
        return frozenset()
    return scope.area_ids


def export_cases(*, user) -> QuerySet[Case]:
    """The cases a user's participant export holds (before area and period filters)."""
    mode = export_mode_for(user)
    if mode == FULL:
        return case_list_on_caseload(user=user)
    if mode == PSEUDONYMISED:
        return _in_areas(Case.objects.all(), export_area_ids_for(user), "area_id")
    return Case.objects.none()


def export_interventions(*, user) -> QuerySet[Intervention]:
    """The interventions of the export's cases."""
    return Intervention.objects.filter(case__in=export_cases(user=user).values("pk"))


def export_mappings(*, user) -> QuerySet[JointMapping]:
    """Joint mappings: for a coordinator (and the pseudonymised roles) every mapping of the
    areas; for an officer the mappings of the people on their (team's) caseload and the
    mappings their team holds (open or not), which are their work in hand (SPEC §4)."""
    mode = export_mode_for(user)
    if mode == PSEUDONYMISED:
        return _in_areas(JointMapping.objects.all(), export_area_ids_for(user), "area_id")
    if mode != FULL:
        return JointMapping.objects.none()
    visible = JointMapping.objects.visible_to(user)
    if scope_for(user).area_wide:
        return visible
    team = _team_user_ids(user)
    return visible.filter(
        Q(person_id__in=caseload_cases(user=user).values("person_id"))
        | Q(fk_officer_id__in=team)
        | Q(af_officer_id__in=team)
    )


def _in_areas(queryset: QuerySet, area_ids, field: str) -> QuerySet:
    return queryset if area_ids is None else queryset.filter(**{f"{field}__in": area_ids})


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

    @property
    def full_identity(self) -> bool:
        return self.mode == FULL


# --- SQL building blocks ----------------------------------------------------------------------


def _sharing_on(day: dt.date, person: str) -> Exists:
    """The person's consent or legal basis covers sharing between FK and AF on `day`, as
    Person.shares_between_agencies_on counts it (cases.secrecy), for every row at once."""
    return Exists(
        Consent.objects.filter(
            person_id=OuterRef(person), covers_sharing=True, given_on__lte=day
        ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
    )


def _follow_up_consent_on(day, person: str) -> Exists:
    """A consent covering follow-up registration is in force on `day` (reporting's rule)."""
    return Exists(
        Consent.objects.filter(
            person_id=OuterRef(person), covers_follow_up=True, given_on__lte=day
        ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
    )


def _anonymous_today(today: dt.date, person: str, prefix: str):
    """Anonymous participant today (SPEC §3, Person.is_anonymous_on)."""
    return SqlCase(
        When(
            Q(**{f"{prefix}protected_identity": True}) | ~Q(_follow_up_consent_on(today, person)),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


def _fk_visible(query: ExportQuery, today: dt.date, person: str):
    """Whether FK's benefit facts reach the exporter (cases.secrecy.hidden_case_fields): FK
    staff always; AF staff, staff of neither agency and pseudonymised exports (which act for no
    agency) only while the person's consent or legal basis covers sharing today."""
    if query.full_identity and query.agency_code == "FK":
        return Value(True, output_field=BooleanField())
    return SqlCase(
        When(_sharing_on(today, person), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def _fk_fact(field: str, output_field):
    """`field` where FK's facts are visible (the `h_fk_visible` annotation), NULL elsewhere:
    a hidden value never leaves the database."""
    return SqlCase(
        When(h_fk_visible=True, then=F(field)), default=Value(None), output_field=output_field
    )


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
    cases = Case.objects.filter(pk__in=export_cases(user=user).values("pk"))
    cases = _filter(cases, query, Coalesce("start_date", "referral_date"), "area_id")
    cases = cases.annotate(
        sit_start=FilteredRelation("situations", condition=Q(situations__moment="start")),
        sit_end=FilteredRelation("situations", condition=Q(situations__moment="end")),
        h_fk_visible=_fk_visible(query, today, "person_id"),
        h_day_365=PlusDays(F("start_date"), OUTCOME_DAY),
    )
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
        "anonymous": _anonymous_today(today, "person_id", "person__"),
        "target_group": F("target_group"),
        "benefit": _fk_fact("benefit", CharField()),
        "benefit_end_date": _fk_fact("benefit_end_date", DateField()),
        "sick_leave_start": _fk_fact("sick_leave_start", DateField()),
        "fk_facts_hidden": SqlCase(
            When(h_fk_visible=True, then=Value(False)),
            default=Value(True),
            output_field=BooleanField(),
        ),
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
        # The outcome as reporting.metrics.outcomes reads it, once day 365 has come.
        "status_day_365": SqlCase(
            When(day_come, then=status_category_on(OuterRef("h_day_365"))),
            default=Value(None),
            output_field=CharField(),
        ),
        "outcome_counted": SqlCase(
            When(
                day_come
                & Q(person__protected_identity=False)
                & Q(_follow_up_consent_on(OuterRef("h_day_365"), "person_id")),
                then=Value(True),
            ),
            When(day_come, then=Value(False)),
            default=Value(None),
            output_field=BooleanField(),
        ),
        "subject_person_id": F("person_id"),
        "subject_area_id": F("area_id"),
    }
    return _values(cases, fields)


def _interventions(query: ExportQuery, user, today: dt.date) -> QuerySet:
    rows = Intervention.objects.filter(pk__in=export_interventions(user=user).values("pk"))
    rows = _filter(rows, query, F("start_date"), "case__area_id")
    fields = {
        "intervention_id": F("pk"),
        "case_id": F("case_id"),
        "personnummer": F("case__person__personnummer"),
        "first_name": F("case__person__first_name"),
        "last_name": F("case__person__last_name"),
        "area_code": F("case__area__code"),
        "anonymous": _anonymous_today(today, "case__person_id", "case__person__"),
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
    }
    return _values(rows, fields)


def _mappings(query: ExportQuery, user, today: dt.date) -> QuerySet:
    rows = JointMapping.objects.filter(pk__in=export_mappings(user=user).values("pk"))
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
        "anonymous": _anonymous_today(today, "person_id", "person__"),
        "case_id": F("case_id"),
        "initiated_by": F("initiated_by"),
        "requested_on": F("requested_on"),
        "request_received_on": F("request_received_on"),
        "first_meeting_on": F("first_meeting_on"),
        "mapping_date": F("mapping_date"),
        "ended_on": F("ended_on"),
        "benefit": _fk_fact("benefit", CharField()),
        "benefit_end_date": _fk_fact("benefit_end_date", DateField()),
        "sick_leave_start": _fk_fact("sick_leave_start", DateField()),
        "sick_leave_band": _fk_fact("sick_leave_band", CharField()),
        "fk_facts_hidden": SqlCase(
            When(h_fk_visible=True, then=Value(False)),
            default=Value(True),
            output_field=BooleanField(),
        ),
        "participants": F("participants"),
        "decision": F("decision"),
        "decision_date": F("decision_date"),
        "subject_person_id": F("person_id"),
        "subject_area_id": F("area_id"),
    }
    return _values(rows, fields)


QUERIES = {"participants": _participants, "interventions": _interventions, "mappings": _mappings}
LOGGED_AS = {"participants": "case", "interventions": "intervention", "mappings": "jointmapping"}
ROW_ID = {"participants": "case_id", "interventions": "intervention_id", "mappings": "mapping_id"}


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


def _values(queryset: QuerySet, fields: dict) -> QuerySet:
    """The fields under `x_`-prefixed names (model field names cannot be reused for
    annotations), as dicts, in id order so a file is the same however it is cut."""
    aliases = {f"x_{name}": expression for name, expression in fields.items()}
    return queryset.annotate(**aliases).order_by("pk").values(*aliases)


def export_queryset(query: ExportQuery, *, user, today: dt.date) -> QuerySet:
    """The export's rows as a values() queryset of `x_<column>` keys."""
    return QUERIES[query.kind](query, user, today)


def export_count(query: ExportQuery, *, user, today: dt.date) -> int:
    return export_queryset(query, user=user, today=today).count()


# --- rows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """What the access log records for one exported row."""

    object_type: str
    object_id: int
    person_id: int
    area_id: int


def export_rows(
    query: ExportQuery, *, user, today: dt.date, person_key, chunk_size: int | None = None
) -> Iterator[tuple[list, Subject]]:
    """Each row of the export as (values in column order, subject), read from a server-side
    cursor `chunk_size` rows at a time. `person_key(personnummer)` is the export's pseudonym."""
    columns = columns_for(query.kind, full_identity=query.full_identity)
    names = [column.name for column in columns]
    blank_if_anonymous = {i for i, column in enumerate(columns) if not column.kept_for_anonymous}
    pseudonymised = not query.full_identity
    logged_as = LOGGED_AS[query.kind]
    row_id = ROW_ID[query.kind]
    queryset = export_queryset(query, user=user, today=today)
    with _planned_for_all_rows():
        yield from _shaped(
            queryset.iterator(chunk_size=chunk_size or CHUNK_SIZE),
            names=names,
            person_key=person_key,
            blank=blank_if_anonymous if pseudonymised else set(),
            logged_as=logged_as,
            row_id=row_id,
        )


@contextmanager
def _planned_for_all_rows():
    """PostgreSQL plans a cursor for a fast first row (cursor_tuple_fraction 0.1): nested
    loops and per-row subqueries, which made a 20 000-row export fifty times slower than the same
    query read at once. An export reads every row, so its cursor is planned for all of them."""
    with connection.cursor() as cursor:
        cursor.execute("SET cursor_tuple_fraction = 1.0")
    try:
        yield
    finally:
        with suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET cursor_tuple_fraction")


def _shaped(rows, *, names, person_key, blank, logged_as, row_id):
    for raw in rows:
        values = []
        for name in names:
            if name == "person_key":
                values.append(person_key(raw["x_personnummer"]))
            elif name == "participants":
                values.append("|".join(raw["x_participants"] or []) or None)
            else:
                value = raw[f"x_{name}"]
                # A blank code or text is "not recorded": empty in every format (null in JSON).
                values.append(None if value == "" else value)
        if blank and raw["x_anonymous"]:
            values = [None if i in blank else v for i, v in enumerate(values)]
        subject = Subject(
            logged_as, raw[f"x_{row_id}"], raw["x_subject_person_id"], raw["x_subject_area_id"]
        )
        yield values, subject
