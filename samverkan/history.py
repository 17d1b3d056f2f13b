"""The change history of a page (SPEC §7): who changed what, old → new, newest first.

Every page with a history (the case, the mapping, the intervention, the work plan, the deviation
report) builds its rows here from django-simple-history's records and shows them with
templates/includes/history_section.html. A page names its sources: the historical records, the
fields the reader may see (a change of only other fields is left out altogether, since its date
alone would reveal it) and, when it shows several records, which record a row is about."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .display import display_value, user_label

KINDS = {"+": _("Registrerad"), "~": _("Ändrad"), "-": _("Borttagen")}

Change = tuple[str, str, str]  # (what, old, new) as shown


@dataclass(frozen=True)
class HistorySource:
    """One kind of record in a page's history.

    - `records`: its historical records (a queryset of `Model.history`).
    - `fields`: the fields compared, in the order they are listed.
    - `label(record)`: which record a row is about ("Möte 2025-03-01"), for a page that shows
      several; None leaves the "what" column to the kind of change.
    - `show(field, value)`: a stored value as the page shows it (a foreign key's object).
    - `kinds`: words for a kind of change other than the usual ones (a plan is "Upprättad").
    - `registered_values`: whether a new record's row lists the values it was registered with.
    - `changes(before, record)`: more changes, listed first, for a value the fields cannot
      compare one by one (a work plan's twelve months); `before` is None for a new record."""

    records: models.QuerySet
    fields: Sequence[str] = ()
    label: Callable[[Any], str] | None = None
    show: Callable[[models.Field, Any], str] = display_value
    kinds: Mapping[str, str] = field(default_factory=dict)
    registered_values: bool = True
    changes: Callable[[Any, Any], list[Change]] | None = None

    def model_fields(self) -> list[models.Field]:
        model = getattr(self.records.model, "instance_type", self.records.model)
        return [model._meta.get_field(name) for name in self.fields]


def _raw(field, record):
    return getattr(record, field.attname)


def _shown(source: HistorySource, field, record) -> str:
    if isinstance(field, models.ForeignKey):
        try:
            value = getattr(record, field.name)
        except field.related_model.DoesNotExist:
            return "–"
    else:
        value = _raw(field, record)
    return source.show(field, value)


def _is_empty(field, record) -> bool:
    """A value that says nothing about a new record: empty, or an unticked box."""
    value = _raw(field, record)
    if isinstance(field, models.BooleanField) and not field.null:
        return not value
    return value in (None, "", [])


def _changes(source: HistorySource, fields, before, record) -> list[Change]:
    changes = list(source.changes(before, record)) if source.changes else []
    if before is None:
        if source.registered_values:
            changes += [
                (capfirst(f.verbose_name), "–", _shown(source, f, record))
                for f in fields
                if not _is_empty(f, record)
            ]
        return changes
    return changes + [
        (capfirst(f.verbose_name), _shown(source, f, before), _shown(source, f, record))
        for f in fields
        if _raw(f, before) != _raw(f, record)
    ]


def history_rows(*sources: HistorySource) -> list[dict]:
    """The rows of `templates/includes/history_section.html`: when, who, (which record,) the
    kind of change and the changes as (what, old, new), newest first.

    A change that touched none of the fields shown (only the version moved, or only fields the
    reader may not see) is left out."""
    rows = []
    for source in sources:
        fields = source.model_fields()
        kinds = {**KINDS, **source.kinds}
        previous = {}
        for record in source.records.select_related("history_user").order_by(
            "history_date", "history_id"
        ):
            before = previous.get(record.id)
            previous[record.id] = record
            if record.history_type == "+":
                changes = _changes(source, fields, None, record)
            elif record.history_type == "~" and before is not None:
                changes = _changes(source, fields, before, record)
                if not changes:
                    continue
            else:
                changes = []
            row = {
                "when": record.history_date,
                "who": user_label(record.history_user) if record.history_user else "–",
                "kind": kinds.get(record.history_type, record.history_type),
                "changes": changes,
            }
            if source.label is not None:
                row["object"] = source.label(record)
            rows.append(row)
    rows.sort(key=lambda row: row["when"], reverse=True)
    return rows
