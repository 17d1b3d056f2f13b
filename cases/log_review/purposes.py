"""The purpose of an access-log entry as the log review shows it (SPEC §7): the services write
purposes with the code's names in them (`samverkan.services.save_new_version`'s "ändrade:
closing_doc_date, fk_notes", `cases.services.case_transition`'s "fas: needs_analysis →
introduction_trial"); the review shows the fields' and phases' Swedish names instead. Only the
display changes: the log itself is append-only and keeps what was written."""

from __future__ import annotations

import re

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ..access import purpose_display
from ..models import Phase, Situation, StatusCode
from .objects import model_of

# samverkan.services.log_access appends a reason stated for the access after the purpose.
REASON = " (skäl: "

_CODE = r"[a-z][a-z0-9_]*"
_CHANGED = re.compile(rf"ändrade: (?P<fields>{_CODE}(?:, {_CODE})*)")
_PHASE = re.compile(rf"fas: (?P<old>{_CODE}) → (?P<new>{_CODE})")
_SITUATION = re.compile(rf"situation (?P<moment>{_CODE})")
_MEETING = re.compile(rf"möte (?P<kind>{_CODE})")
_STATUS = re.compile(rf"status (?P<code>{_CODE})")
_INTERVENTION = re.compile(rf"insats (?P<kind>{_CODE})")


def status_names() -> dict[str, str]:
    """The status codes' names by code, read once for a page of lines."""
    return dict(StatusCode.objects.values_list("code", "name"))


def purpose_shown(purpose: str, *, object_type: str, statuses: dict[str, str] | None = None) -> str:
    """`purpose` with the code's names replaced by what the interface calls them.

    - "ändrade: a, b" (a record's changed fields) → "Ändrade: " and the fields' verbose names,
      capitalised, of the model the entry's `object_type` names (`objects.KINDS`);
    - "fas: a → b" → "Fas: " and the labels of `cases.models.Phase`;
    - "situation start" → the label of `Situation.Moment`; "möte kind" → the meeting's kind;
      "insats kind" → the intervention's kind; "status code" → the status code's name;
    - the purposes of opening a person (`cases.access.purpose_display`) in the reader's language.

    `statuses` is `status_names()` when the caller shows many lines; read here otherwise.
    A reason stated for the access (" (skäl: …)") follows unchanged. A name that is not known
    (a field since renamed) is left as written rather than guessed; any other purpose is
    already the text a person wrote or a service's Swedish sentence, and is shown as it is."""
    head, sep, reason = purpose.partition(REASON)
    shown = _translated(head, object_type, statuses)
    if shown is None:
        return purpose_display(purpose)
    return shown + (_(" (skäl: ") + reason if sep else "")


def _translated(head: str, object_type: str, statuses: dict[str, str] | None) -> str | None:
    if match := _CHANGED.fullmatch(head):
        model = model_of(object_type)
        names = [_field_name(model, name) for name in match["fields"].split(", ")]
        return _("Ändrade: %(fields)s") % {"fields": ", ".join(names)}
    if match := _PHASE.fullmatch(head):
        return _("Fas: %(old)s → %(new)s") % {
            "old": _choice(Phase, match["old"]),
            "new": _choice(Phase, match["new"]),
        }
    if match := _SITUATION.fullmatch(head):
        return _("Situation: %(moment)s") % {"moment": _choice(Situation.Moment, match["moment"])}
    if (match := _MEETING.fullmatch(head)) and (model := model_of(object_type)) is not None:
        kinds = dict(_flat_choices(model, "kind"))
        if match["kind"] in kinds:
            return _("Möte: %(kind)s") % {"kind": kinds[match["kind"]]}
    if (match := _INTERVENTION.fullmatch(head)) and (model := model_of(object_type)) is not None:
        kinds = dict(_flat_choices(model, "kind"))
        if match["kind"] in kinds:
            return _("Insats: %(kind)s") % {"kind": kinds[match["kind"]]}
    if match := _STATUS.fullmatch(head):
        if statuses is None:
            statuses = status_names()
        if name := statuses.get(match["code"]):
            return _("Status: %(name)s") % {"name": name}
    return None


def _field_name(model, name: str) -> str:
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    verbose = getattr(field, "verbose_name", None)
    return str(capfirst(verbose)) if verbose else name


def _choice(choices, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def _flat_choices(model, name: str):
    try:
        return model._meta.get_field(name).flatchoices
    except FieldDoesNotExist:
        return []
