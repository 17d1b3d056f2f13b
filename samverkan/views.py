"""What the pages of every app share: binding a form, and the versioned edit (SPEC §7: no silent
overwrite).

A versioned edit carries the version the user read in a hidden field. The write service refuses
a stale version with `ConcurrentEditError`; the page then shows what is stored now beside what
the user typed (kept in the form, now based on the stored version, so that saving again after
comparing goes through) and says why. Any other `ValidationError` of the service is shown next
to the field it names. Only a successful save redirects, with a message."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.text import capfirst

from .display import display_value
from .forms import add_service_errors, rebind_with_version
from .services import ConcurrentEditError


def bound_form(request, form_class, **kwargs):
    """The form bound to the POST body, or unbound on GET (an empty POST is still a POST)."""
    data = request.POST if request.method == "POST" else None
    return form_class(data, **kwargs)


def record_initial(record, form) -> dict:
    """A form's initial values from the record it edits: each of the form's fields (a foreign
    key as its id), and the version read."""
    return {
        **{name: record.serializable_value(name) for name in form.fields if name != "version"},
        "version": record.version,
    }


def stored_rows(record, form) -> list[dict]:
    """The "Nu sparat" panel: what is stored now, marked where it differs from what was typed.
    One row per field of the form, each a field of the record's model."""
    rows = []
    typed = getattr(form, "cleaned_data", {})
    for name in form.fields:
        if name == "version":
            continue
        field = record._meta.get_field(name)
        value = getattr(record, name)
        rows.append(
            {
                "label": capfirst(field.verbose_name),
                "value": display_value(field, value),
                "differs": name in typed and typed[name] != value,
            }
        )
    return rows


@dataclass
class EditResult:
    """What a versioned edit leaves for its page: the form to show (with the errors), the
    "Nu sparat" rows after a conflict, or the redirect after a save."""

    form: forms.Form
    stored: list[dict] | None = None
    response: HttpResponse | None = None
    conflict_with: Any = None  # the stored record a conflict was found against


def _of(value, result):
    return value(result) if callable(value) else value


def versioned_edit(
    request,
    form: forms.Form,
    *,
    record,
    save: Callable[[forms.Form], Any],
    message: str | Callable[[Any], str],
    success_url: str | Callable[[Any], str],
    rebind: Callable[[Mapping], forms.Form] | None = None,
    reload: Callable[[], Any] | None = None,
    stored: Callable[[Any, forms.Form], list[dict]] | None = None,
    conflict_message: str | None = None,
    rename_errors: Mapping[str, str] | None = None,
) -> EditResult:
    """Save a valid POSTed `form` through `save(form)` (the write service, given the form's
    version), and map what it raises onto the form.

    - `message` and `success_url` may depend on what `save` returned (pass a callable).
    - After a `ConcurrentEditError`, `reload()` gives the stored record (default: `record`
      re-read); `rebind(data)` binds the typed values again (default: the form's own class
      without arguments; pass it when the form takes keyword arguments); `stored(record, form)`
      gives the "Nu sparat" rows (None: the page shows no panel, e.g. a form of actions rather
      than of the record's fields); `conflict_message` replaces the error's own words.
    - A create with a version of 0 passes `record=None` and a `reload` that finds the record
      made meanwhile, or None (then the form only gets the error).
    - `rename_errors` maps a service's field names to the form's (see `add_service_errors`)."""
    result = EditResult(form=form)
    if request.method != "POST" or not form.is_valid():
        return result
    try:
        saved = save(form)
    except ConcurrentEditError as exc:
        current = reload() if reload is not None else _refreshed(record)
        if current is not None:
            result.conflict_with = current
            result.stored = stored(current, form) if stored is not None else None
            result.form = rebind_with_version(
                form, current.version, form_class=rebind or type(form)
            )
        result.form.add_error(None, conflict_message or exc)
    except ValidationError as exc:
        add_service_errors(form, exc, rename=rename_errors)
    else:
        messages.success(request, _of(message, saved))
        result.response = redirect(_of(success_url, saved))
    return result


def _refreshed(record):
    record.refresh_from_db()
    return record
