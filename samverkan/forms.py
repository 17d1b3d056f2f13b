"""What the forms of every app share (CONVENTIONS §3–4): the date widget and validators, model
fields as form fields, the hidden version of an edit, Swedish blank choices, and how a service's
ValidationError lands on a form.

Forms only read and check input; the services validate again and raise ValidationError, which
`add_service_errors` puts next to the field it names (the rest at the top of the form)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.access import readable_reason

from .dates import validate_plausible_date

BLANK_LABEL = _("— välj —")
ALL_LABEL = _("Alla")
MAX_VERSION = 2**31 - 1


class ReasonField(forms.CharField):
    """A stated reason (break the glass, an export beyond one's caseload): its length counts
    what a reviewer will read in the log, not invisible characters."""

    def to_python(self, value):
        return readable_reason(super().to_python(value))


class DateInput(forms.DateInput):
    """The browser's own date picker (no script needed); the value is sent as ÅÅÅÅ-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def model_field(model, name, **kwargs):
    """The model field's own form field: its Swedish label, choices and limits."""
    field = model._meta.get_field(name)
    if isinstance(field, models.DateField):
        kwargs.setdefault("widget", DateInput)
        kwargs.setdefault("validators", [validate_plausible_date])
    return field.formfield(**kwargs)


def date_field(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput,
        help_text=help_text,
        validators=[validate_plausible_date],
    )


def version_field():
    """The version the user read: the service refuses a stale one (SPEC §7, ConcurrentEditError)."""
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_VERSION)


class BaseForm(forms.Form):
    """Swedish blank choices instead of Django's dashes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label is not None:
                    field.empty_label = BLANK_LABEL
            elif isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.MultipleChoiceField
            ):
                choices = list(field.choices)
                if choices and choices[0][0] == "" and choices[0][1] == "---------":
                    field.choices = [("", BLANK_LABEL), *choices[1:]]


def add_service_errors(form, exc: ValidationError, *, rename=None) -> None:
    """Put a service's errors next to the field they name, the rest at the top.

    `rename` maps a service's field name to the form's, where the form asks for one value that
    the service stores under another name (an intervention move's day is `on` on the form)."""
    rename = rename or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            field = rename.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def rebind_with_version(form, version: int, *, form_class=None, **kwargs):
    """After a conflict: the user's typed values, now based on the stored version, so that a
    second save (after comparing) goes through. `form_class` (default: the form's own) is bound
    with the data and `kwargs`."""
    data = form.data.copy()
    data[form.add_prefix("version")] = str(version)
    rebound = (form_class or type(form))(data, **kwargs)
    rebound.is_valid()
    return rebound
