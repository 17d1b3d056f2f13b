"""Helpers shared by the case and person pages."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .. import selectors
from ..access import (
    ReasonRequired,
    get_visible_or_404,
    log_person_access,
)
from ..forms import (
    user_label,
)
from ..models import Case, Person

WORKLIST_LIMIT = 500

# --- helpers ----------------------------------------------------------------------------------


def _reason_redirect(view):
    """Opening a person outside one's caseload needs a stated reason first (SPEC §7): send the
    user to the reason page and back to this page afterwards."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ReasonRequired as exc:
            reason_url = reverse("cases:person_reason", args=[exc.person.pk])
            if request.path == reverse("cases:person_detail", args=[exc.person.pk]):
                return redirect(reason_url)  # the reason page returns to the person anyway
            return redirect(f"{reason_url}?{urlencode({'next': request.path})}")

    return wrapper


def _person(request, pk) -> tuple[Person, str]:
    person = get_visible_or_404(
        request=request,
        queryset=selectors.person_list_visible_to(user=request.user),
        pk=pk,
        object_type="person",
    )
    purpose = log_person_access(request=request, obj=person, person=person)
    return person, purpose


def _visible_case(request, pk) -> Case:
    return get_visible_or_404(
        request=request,
        queryset=selectors.case_list_visible_to(user=request.user),
        pk=pk,
        object_type="case",
    )


def _case(request, pk) -> tuple[Case, str]:
    case = _visible_case(request, pk)
    purpose = log_person_access(request=request, obj=case, person=case.person)
    return case, purpose


def _bound(request, form_class, **kwargs):
    """The form bound to the POST body, or unbound on GET (an empty POST is still a POST)."""
    data = request.POST if request.method == "POST" else None
    return form_class(data, **kwargs)


def _add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's errors next to the field they name, the rest at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _rebind_with_version(form, version: int, **kwargs):
    """After a conflict: the user's typed values, now based on the stored version, so that a
    second save (after comparing) goes through."""
    data = form.data.copy()
    data[form.add_prefix("version")] = str(version)
    rebound = type(form)(data, **kwargs)
    rebound.is_valid()
    return rebound


def display_value(field, value) -> str:
    """One stored value as the pages show it."""
    if isinstance(field, models.BooleanField):
        return {True: _("Ja"), False: _("Nej")}.get(value, _("Okänt"))
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, get_user_model()):
        return user_label(value)
    return str(value)


def _label(model, name) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


def _stored_rows(obj, form) -> list[dict]:
    """The "Nu sparat" panel: what is stored now, marked where it differs from what was typed."""
    rows = []
    typed = getattr(form, "cleaned_data", {})
    for name in form.fields:
        if name == "version":
            continue
        field = obj._meta.get_field(name)
        value = getattr(obj, name)
        rows.append(
            {
                "label": capfirst(field.verbose_name),
                "value": display_value(field, value),
                "differs": name in typed and typed[name] != value,
            }
        )
    return rows


def _form_page(request, context, template="cases/form_page.html"):
    return render(request, template, context)
