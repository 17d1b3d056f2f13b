"""What retention does to a person's rows, table by table (ADR 0016).

The person's row and the rows the monthly figures are computed from (cases, consents, status
entries, joint mappings, meetings, plans, interventions) stay, so a past month computed again
gives the figures its snapshot holds. What could identify the person goes from them:

- the personnummer becomes a placeholder (PURGED_PREFIX and the zero-padded id), the names
  become "Gallrad uppgift", and the person's contact details and who registered them are
  cleared;
- every free-text field of the person's rows is emptied: any CharField or TextField without
  choices, and any JSONField. The rule is by type, not by name, so a free-text field added later
  is emptied too. Coded values (choices), dates, numbers and flags stay: they are what the
  figures count, and none of them names anyone;
- the change history (django-simple-history) of all those rows is deleted: it holds earlier
  values of the same fields;
- the admin's own log entries about those rows lose their description (it is the object's name);
- the text of export and import jobs (a stated reason, an error, an import's rejected rows)
  that quotes the person's personnummer, in any format, or full name is emptied;
- export files already written are removed (retention.services), since one may list the person.

The person's purge never touches the access log (append-only, kept at least five years); it
refers to the person only by the bare id, which after the purge leads to no identity. The log
goes only by whole months older than that (retention.services, audit.partitions)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Concat, LPad

from cases.models import Case, Person
from cases.models.person import PURGED_PREFIX

PLACEHOLDER_FIRST_NAME = "Gallrad"
PLACEHOLDER_LAST_NAME = "uppgift"

# Every model whose rows belong to one person, and the column that says whose: "person_id"
# (the person), "case_id" (one of the person's cases) or "id" (the person row itself). A test
# (retention/tests/test_coverage.py) fails when a model pointing at these is missing here.
PERSON_BOUND = [
    ("cases.Person", "id"),
    ("cases.Consent", "person_id"),
    ("cases.StatusEntry", "person_id"),
    ("cases.Case", "person_id"),
    ("cases.PhaseTransition", "case_id"),
    ("cases.Situation", "case_id"),
    ("cases.CaseAreaMove", "case_id"),
    ("mapping.JointMapping", "person_id"),
    ("mapping.Meeting", "person_id"),
    ("mapping.PlanVersion", "case_id"),
    ("mapping.Intervention", "case_id"),
    ("mapping.ClosingDocument", "case_id"),
    ("reporting.QualityReviewItem", "case_id"),
    ("preparation.Referral", "person_id"),
    ("cases.FlagDismissal", "case_id"),
    ("cases.CaseAssignment", "case_id"),
    # The worklist's summary of a case (dates and flag codes; its key emptied, so never read).
    ("cases.CaseWorklistState", "case_id"),
    # A coarsened export's grading holds a level, no free text, and lives 24 hours.
    ("exports.CoarsenedPerson", "person_id"),
]

# Fields of the person row cleared although not free text by the type rule.
PERSON_FIELDS = {
    "registered_by": None,
    "is_coordination_number": False,
}


def is_free_text(model_field) -> bool:
    """A field that can hold anything typed: a name, a personnummer, a note."""
    if isinstance(model_field, models.JSONField):
        return True
    return isinstance(model_field, (models.CharField, models.TextField)) and not (
        model_field.choices
    )


def _empty(model_field):
    if isinstance(model_field, models.JSONField):
        return model_field.get_default()
    return ""


def cleared_values(model) -> dict:
    """The values a purged row of `model` gets: every free-text field emptied (the person's
    identity fields get placeholders)."""
    values = {
        f.name: _empty(f)
        for f in model._meta.concrete_fields
        if is_free_text(f) and not f.primary_key
    }
    if model is Person:
        values.update(PERSON_FIELDS)
        values["personnummer"] = Concat(
            Value(PURGED_PREFIX),
            LPad(Cast("id", models.CharField()), 12 - len(PURGED_PREFIX), Value("0")),
        )
        values["first_name"] = PLACEHOLDER_FIRST_NAME
        values["last_name"] = PLACEHOLDER_LAST_NAME
    return values


@dataclass
class Scope:
    """The ids of one batch: the persons and every case they have or had, and (read before
    anything is changed) how the persons were written: for text that refers to them by number
    or name rather than by id."""

    person_ids: list[int]
    case_ids: list[int] = field(default_factory=list)
    identities: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, person_ids: list[int]) -> Scope:
        case_ids = set(Case.objects.filter(person_id__in=person_ids).values_list("pk", flat=True))
        # A case gone from the table still has its history rows.
        case_ids |= set(
            Case.history.model.objects.filter(person_id__in=person_ids).values_list("id", flat=True)
        )
        identities = []
        for number, first, last in (
            Person.objects.filter(pk__in=person_ids)
            .exclude(personnummer__startswith=PURGED_PREFIX)
            .values_list("personnummer", "first_name", "last_name")
        ):
            identities += identity_forms(number) + [f"{first} {last}"]
        return cls(person_ids=list(person_ids), case_ids=sorted(case_ids), identities=identities)

    def ids_for(self, key: str) -> list[int]:
        return self.case_ids if key == "case_id" else self.person_ids


@dataclass(frozen=True)
class Step:
    """One set-based statement: `values` to write, or None to delete."""

    table: str
    queryset: models.QuerySet
    values: dict | None

    def count(self) -> int:
        return self.queryset.count()

    def run(self) -> int:
        if self.values is None:
            return self.queryset.delete()[0]
        return self.queryset.update(**self.values)


def identity_forms(personnummer: str) -> list[str]:
    """The ways a personnummer is written: 12 or 10 digits, with or without the hyphen."""
    return [
        personnummer,
        personnummer[2:],
        f"{personnummer[:8]}-{personnummer[8:]}",
        f"{personnummer[2:8]}-{personnummer[8:]}",
    ]


# The export and import jobs keep text about a file (a stated reason, an error, the rejected
# rows of an import) that is not tied to a person by id but may quote one. A job's text that
# quotes a purged person is emptied; the job itself (who, when, how many rows) stays.
JOB_TEXT_FIELDS = {
    "exports.ExportJob": ["reason", "error"],
    "imports.ImportJob": ["outcome", "error", "file_name"],
}


def _job_text_steps(scope: Scope) -> Iterator[Step]:
    if not scope.identities:
        return
    pattern = "|".join(re.escape(text) for text in scope.identities)
    for label, names in JOB_TEXT_FIELDS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        fields = [model._meta.get_field(n) for n in names if _has_field(model, n)]
        if not fields:
            continue
        quoting = models.Q()
        for f in fields:
            quoting |= models.Q(**{f"{f.name}_as_text__iregex": pattern})
        values = {f.name: None if f.null else _empty(f) for f in fields}
        rows = model.objects.alias(
            **{f"{f.name}_as_text": Cast(f.name, models.TextField()) for f in fields}
        ).filter(quoting)
        yield Step(model._meta.db_table, rows, values)


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def steps(scope: Scope) -> Iterator[Step]:
    """The statements that purge `scope`, in order. Each touches only rows that still hold
    something to remove, so a second run finds nothing and counts zero."""
    yield from _job_text_steps(scope)
    # Then the admin's log: it finds deleted rows' ids in the history deleted below.
    yield from _admin_log_steps(scope)
    for label, key in PERSON_BOUND:
        model = apps.get_model(label)
        ids = scope.ids_for(key)
        rows = model.objects.filter(**{f"{key}__in": ids})
        values = cleared_values(model)
        if values:
            yield Step(model._meta.db_table, rows.filter(_still_holding(values)), values)
        history = getattr(model, "history", None)
        if history is not None:
            historical = history.model
            yield Step(
                historical._meta.db_table, historical.objects.filter(**{f"{key}__in": ids}), None
            )


def _still_holding(values: dict) -> models.Q:
    """Rows where some field still differs from its purged value."""
    holding = models.Q()
    for name, value in values.items():
        if isinstance(value, Combinable):  # the personnummer's placeholder
            holding |= ~models.Q(**{f"{name}__startswith": PURGED_PREFIX})
        elif value is None:
            holding |= models.Q(**{f"{name}__isnull": False})
        else:
            holding |= ~models.Q(**{name: value})
    return holding


ADMIN_LOG_CLEARED = {"object_repr": PLACEHOLDER_FIRST_NAME, "change_message": ""}


def _admin_log_entries(model, object_ids) -> models.QuerySet:
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=[str(pk) for pk in object_ids],
    ).exclude(**ADMIN_LOG_CLEARED)


def _admin_log_steps(scope: Scope) -> Iterator[Step]:
    """The admin's log names the object it changed (`object_repr`: a person's name, a
    consent's "name date"), for rows that exist and rows deleted since."""
    for label, key in PERSON_BOUND:
        model = apps.get_model(label)
        ids = scope.ids_for(key)
        object_ids = set(model.objects.filter(**{f"{key}__in": ids}).values_list("pk", flat=True))
        history = getattr(model, "history", None)
        if history is not None:
            object_ids |= set(
                history.model.objects.filter(**{f"{key}__in": ids}).values_list("id", flat=True)
            )
        yield Step(
            LogEntry._meta.db_table, _admin_log_entries(model, object_ids), ADMIN_LOG_CLEARED
        )


def deleted_person_ids() -> list[int]:
    """Persons deleted outright (registered by mistake, removed in the admin) whose change
    history, or their rows' history, is still there: the history names them."""
    found = set()
    for label, key in PERSON_BOUND:
        history = getattr(apps.get_model(label), "history", None)
        if history is None or key == "case_id":
            continue
        column = "id" if key == "id" else key
        found |= set(
            history.model.objects.exclude(
                **{f"{column}__in": Person.objects.values("pk")}
            ).values_list(column, flat=True)
        )
    return sorted(pk for pk in found if pk is not None)


def leftover_steps() -> Iterator[Step]:
    """What is left of persons and rows that no longer exist: their history and the admin's
    entries about them."""
    gone = deleted_person_ids()
    if gone:
        yield from steps(Scope.of(gone))
    yield from _orphan_admin_log_steps()


def _orphan_admin_log_steps() -> Iterator[Step]:
    """Admin log entries about a person's rows that no longer exist at all (a person
    registered by mistake and deleted in the admin): nothing else of them is left to purge."""
    for label, _key in PERSON_BOUND:
        model = apps.get_model(label)
        # The admin writes these models' integer ids as text.
        exists = models.Exists(
            model.objects.filter(pk=Cast(models.OuterRef("object_id"), models.BigIntegerField()))
        )
        entries = (
            LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
            .exclude(exists)
            .exclude(**ADMIN_LOG_CLEARED)
        )
        yield Step(LogEntry._meta.db_table, entries, ADMIN_LOG_CLEARED)
