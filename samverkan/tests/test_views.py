"""The versioned edit every edit page uses (samverkan.views.versioned_edit, SPEC §7: no silent
overwrite): a save redirects with a message, a stale version keeps what the user typed on top of
the stored version, a service's error lands next to its field."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from samverkan.forms import version_field
from samverkan.services import ConcurrentEditError
from samverkan.views import bound_form, versioned_edit


class NoteForm(forms.Form):
    note = forms.CharField()
    on = forms.CharField(required=False)
    version = version_field()


class Stored:
    """Stands in for a model row that someone else saved meanwhile (version 2 → 3)."""

    version = 2

    def refresh_from_db(self):
        self.version = 3


def _post(data):
    request = RequestFactory().post("/anteckning/", data)
    request._messages = CookieStorage(request)
    return request


def _edit(request, save, **kwargs):
    form = bound_form(request, NoteForm, initial={"version": 2})
    kwargs.setdefault("success_url", "/klart/")
    return versioned_edit(request, form, record=Stored(), save=save, message="Sparat.", **kwargs)


def test_a_saved_edit_redirects_with_the_message_of_what_was_saved():
    request = _post({"note": "Ny", "version": "2"})

    edit = _edit(
        request, save=lambda form: form.cleaned_data["note"], success_url=lambda note: f"/{note}/"
    )

    assert edit.response.status_code == 302 and edit.response["Location"] == "/Ny/"
    assert [str(m) for m in get_messages(request)] == ["Sparat."]


def test_a_get_only_shows_the_form():
    edit = _edit(RequestFactory().get("/anteckning/"), save=None)
    assert edit.response is None and not edit.form.is_bound
    assert edit.form["version"].value() == 2


def test_a_stale_version_keeps_what_was_typed_on_top_of_the_stored_version():
    def stale(form):
        raise ConcurrentEditError()

    edit = _edit(
        _post({"note": "Min text", "version": "2"}),
        save=stale,
        stored=lambda record, form: [{"label": "Version", "value": record.version}],
    )

    assert edit.response is None
    assert edit.form.data["note"] == "Min text" and edit.form.data["version"] == "3"
    assert "Någon annan har ändrat uppgifterna" in edit.form.non_field_errors()[0]
    assert edit.stored == [{"label": "Version", "value": 3}]
    assert edit.conflict_with.version == 3


def test_a_conflict_may_be_worded_for_the_page():
    def stale(form):
        raise ConcurrentEditError()

    edit = _edit(_post({"note": "x", "version": "2"}), save=stale, conflict_message="Läs igen.")
    assert edit.form.non_field_errors() == ["Läs igen."] and edit.stored is None


def test_a_service_error_lands_next_to_the_field_it_names():
    def refused(form):
        raise ValidationError({"note": "För kort.", "end_date": "För tidigt.", "other": "Nej."})

    edit = _edit(
        _post({"note": "x", "version": "2"}), save=refused, rename_errors={"end_date": "on"}
    )

    assert edit.form.errors["note"] == ["För kort."]
    assert edit.form.errors["on"] == ["För tidigt."]
    assert edit.form.non_field_errors() == ["Nej."]
    assert edit.response is None


def test_an_invalid_form_never_reaches_the_service():
    def never(form):
        raise AssertionError("the service was called")

    edit = _edit(_post({"note": "", "version": "2"}), save=never)
    assert "note" in edit.form.errors
