"""The intervention pages (SPEC §4): register, show, change, start, move and end an intervention.

Every page fetches through the scoping selector (another area's intervention answers 404), logs
the access with its purpose and asks for a reason outside the caseload (SPEC §7). The pages never
save: they call mapping.services, which hold the rules (a plan before introduction and trial, the
phase moving with the support given, dates in order) and whose ValidationErrors are shown next to
the field they name."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.access import get_visible_or_404, log_person_access
from cases.forms import user_label
from cases.models import Phase
from cases.views._common import (
    _add_service_errors,
    _bound,
    _case,
    _form_page,
    _reason_redirect,
    _rebind_with_version,
    _stored_rows,
    display_value,
)

from .. import services
from ..forms.interventions import (
    InterventionCreateForm,
    InterventionEditForm,
    InterventionEndForm,
    InterventionMoveForm,
    InterventionStartForm,
)
from ..models import Category, Intervention, State
from ..selectors import intervention_list_visible_to

HISTORY_FIELDS = (
    "kind",
    "category",
    "provider",
    "provider_name",
    "hours_per_week",
    "planned_start",
    "start_date",
    "end_date",
    "goal",
    "follow_up_notes",
    "outcome",
    "moved_from",
)
DETAIL_FIELDS = (
    "kind",
    "category",
    "provider",
    "provider_name",
    "hours_per_week",
    "planned_start",
    "start_date",
    "end_date",
    "goal",
    "follow_up_notes",
    "outcome",
)

# --- helpers ----------------------------------------------------------------------------------


def _intervention(request, pk) -> tuple[Intervention, str]:
    intervention = get_visible_or_404(
        request=request,
        queryset=intervention_list_visible_to(user=request.user),
        pk=pk,
        object_type="intervention",
    )
    purpose = log_person_access(request=request, obj=intervention, person=intervention.case.person)
    return intervention, purpose


def intervention_state(intervention: Intervention, today) -> State:
    """Planned, running or ended as the pages say it today. An intervention ended today is
    ended on its page (`state_on` counts its last day as a day it ran, as the reports do)."""
    if intervention.end_date is not None:
        return State.ENDED
    return State(intervention.state_on(today))


def _value(field, value) -> str:
    if isinstance(field, models.DecimalField) and value is not None:
        # 6.0 → "6", 6.5 → "6,5": hours as they are written in Swedish
        return floatformat(value, -1)
    return display_value(field, value)


def _history_value(field, record) -> str:
    if isinstance(field, models.ForeignKey):
        try:
            value = getattr(record, field.name)
        except field.related_model.DoesNotExist:
            return "–"
        return str(value) if value is not None else "–"
    return _value(field, getattr(record, field.attname))


def _history_rows(intervention: Intervention) -> list[dict]:
    """Who changed what, old → new (SPEC §7), newest first, shaped as on the case page."""
    fields = [Intervention._meta.get_field(name) for name in HISTORY_FIELDS]
    kinds = {"+": _("Registrerad"), "~": _("Ändrad"), "-": _("Borttagen")}
    rows = []
    before = None
    records = intervention.history.select_related("history_user").order_by(
        "history_date", "history_id"
    )
    for record in records:
        if record.history_type == "~" and before is not None:
            delta = record.diff_against(before, included_fields=list(HISTORY_FIELDS))
            changed = {change.field for change in delta.changes}
            changes = [
                (capfirst(f.verbose_name), _history_value(f, before), _history_value(f, record))
                for f in fields
                if f.name in changed
            ]
        elif record.history_type == "+":
            changes = [
                (capfirst(f.verbose_name), "–", _history_value(f, record))
                for f in fields
                if getattr(record, f.attname) not in (None, "")
            ]
        else:
            changes = []
        before = record
        if record.history_type == "~" and not changes:
            continue  # saved without a visible change (only the version moved)
        rows.append(
            {
                "when": record.history_date,
                "who": user_label(record.history_user) if record.history_user else "–",
                "kind": kinds.get(record.history_type, record.history_type),
                "changes": changes,
            }
        )
    rows.reverse()
    return rows


def _context(intervention: Intervention, **extra) -> dict:
    case = intervention.case
    return {
        "subject": _("%(intervention)s – %(case)s, %(name)s")
        % {"intervention": intervention, "case": case, "name": case.person.full_name},
        "cancel_url": reverse("mapping:intervention_detail", args=[intervention.pk]),
        **extra,
    }


def _not_possible(request, intervention, title, reason):
    """The action does not apply to this intervention (any more): say why, offer the way back."""
    return _form_page(request, _context(intervention, title=title, intro=reason, form=None))


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service error under the form's own field name (e.g. end_date → on)."""
    if not hasattr(exc, "error_dict"):
        return exc
    renamed: dict[str, list] = {}
    for field, errors in exc.error_dict.items():
        renamed.setdefault(names.get(field, field), []).extend(errors)
    return ValidationError(renamed)


def _phase_note(case, category) -> str:
    """What starting an intervention of `category` does to the case's phase (ADR 0008)."""
    targets = []
    if case.phase == Phase.NEEDS_ANALYSIS:
        targets.append(Phase.INTRODUCTION_TRIAL)
    if category == Category.WORK_ORIENTED and case.phase != Phase.WORK_ORIENTED:
        targets.append(Phase.WORK_ORIENTED)
    if not targets:
        return ""
    note = _("Ärendet går då till fasen ”%(phase)s”.") % {"phase": targets[-1].label}
    if Phase.INTRODUCTION_TRIAL in targets:
        note += " " + _("En individuell plan måste finnas före introduktion och prövning.")
    return note


# --- register ---------------------------------------------------------------------------------


@_reason_redirect
@require_http_methods(["GET", "POST"])
def intervention_create(request, pk):
    case, _purpose = _case(request, pk)
    context = {
        "title": _("Ny insats"),
        "subject": _("%(case)s – %(name)s, %(phase)s")
        % {"case": case, "name": case.person.full_name, "phase": case.get_phase_display()},
        "cancel_url": reverse("cases:case_detail", args=[case.pk]),
    }
    if not case.is_open:
        return _form_page(request, {**context, "intro": _("Ärendet är avslutat."), "form": None})
    form = _bound(request, InterventionCreateForm)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_create(case=case, request=request, **form.service_data())
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Insatsen är registrerad."))
            return redirect("cases:case_detail", pk=case.pk)
    intro = _(
        "Registrera insatsen när den är planerad – deltagaren väntar då på den – eller när den "
        "har startat."
    )
    if case.phase == Phase.NEEDS_ANALYSIS:
        intro += " " + _(
            "Ärendet är i behovsanalys: startar insatsen går ärendet till introduktion och "
            "prövning, och en individuell plan måste finnas först."
        )
    return _form_page(
        request, {**context, "intro": intro, "form": form, "submit_label": _("Registrera")}
    )


# --- show -------------------------------------------------------------------------------------


@_reason_redirect
@require_http_methods(["GET", "HEAD"])
def intervention_detail(request, pk):
    intervention, purpose = _intervention(request, pk)
    case = intervention.case
    today = timezone.localdate()
    state = intervention_state(intervention, today)
    facts = [
        (
            capfirst(Intervention._meta.get_field(name).verbose_name),
            _value(Intervention._meta.get_field(name), getattr(intervention, name)),
        )
        for name in DETAIL_FIELDS
    ]
    open_case = case.is_open
    return render(
        request,
        "mapping/intervention_detail.html",
        {
            "intervention": intervention,
            "case": case,
            "person": case.person,
            "purpose": purpose,
            "state": state,
            "facts": facts,
            "moved_from": intervention.moved_from,
            "moved_to": getattr(intervention, "moved_to", None),
            "history": _history_rows(intervention),
            # The same conditions the services check, so no button leads to a refusal.
            "can_edit": open_case or intervention.end_date is not None,
            "can_start": open_case and intervention.start_date is None,
            "can_move": open_case
            and intervention.is_preparatory
            and intervention.start_date is not None
            and intervention.end_date is None,
            "can_end": intervention.start_date is not None and intervention.end_date is None,
        },
    )


# --- change -----------------------------------------------------------------------------------


@_reason_redirect
@require_http_methods(["GET", "POST"])
def intervention_edit(request, pk):
    intervention, _purpose = _intervention(request, pk)
    title = _("Ändra insats")
    if not intervention.case.is_open and intervention.end_date is None:
        return _not_possible(request, intervention, title, _("Ärendet är avslutat."))
    kwargs = {"intervention": intervention}
    stored = None
    if request.method == "POST":
        form = InterventionEditForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                services.intervention_update(
                    intervention=intervention,
                    expected_version=form.cleaned_data["version"],
                    data=form.service_data(),
                    request=request,
                )
            except services.ConcurrentEditError as exc:
                intervention.refresh_from_db()
                stored = _stored_rows(intervention, form)
                form = _rebind_with_version(form, intervention.version, **kwargs)
                form.add_error(None, exc)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Insatsen är sparad."))
                return redirect("mapping:intervention_detail", pk=intervention.pk)
    else:
        form = InterventionEditForm(**kwargs)
        form.initial = {
            **{name: getattr(intervention, name) for name in form.fields if name != "version"},
            "version": intervention.version,
        }
    return _form_page(
        request,
        _context(
            intervention,
            title=title,
            intro=_(
                "Start och avslut registreras med knapparna på insatsens sida. Resultatet "
                "registreras när insatsen har avslutats."
            ),
            form=form,
            stored=stored,
            submit_label=_("Spara"),
        ),
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def intervention_start(request, pk):
    intervention, _purpose = _intervention(request, pk)
    title = _("Starta insats")
    if intervention.start_date is not None:
        return _not_possible(request, intervention, title, _("Insatsen har redan startat."))
    if not intervention.case.is_open:
        return _not_possible(request, intervention, title, _("Ärendet är avslutat."))
    form = _bound(request, InterventionStartForm, initial={"version": intervention.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_start(
                intervention=intervention,
                expected_version=form.cleaned_data["version"],
                on=form.cleaned_data["start_date"],
                request=request,
            )
        except services.ConcurrentEditError as exc:
            intervention.refresh_from_db()
            form = _rebind_with_version(form, intervention.version)
            form.add_error(None, exc)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Insatsen har startat."))
            return redirect("mapping:intervention_detail", pk=intervention.pk)
    intro = _("Ange dagen då insatsen startade (inte ett datum i framtiden).")
    note = _phase_note(intervention.case, intervention.category)
    return _form_page(
        request,
        _context(
            intervention,
            title=title,
            intro=f"{intro} {note}".strip(),
            form=form,
            submit_label=_("Starta insatsen"),
        ),
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def intervention_move(request, pk):
    """From a running work-preparatory intervention to a work-oriented one (registration point)."""
    intervention, _purpose = _intervention(request, pk)
    title = _("Byt till arbetslivsinriktad insats")
    if not intervention.is_preparatory:
        return _not_possible(
            request,
            intervention,
            title,
            _("Bara en arbetsförberedande insats kan bytas mot en arbetslivsinriktad."),
        )
    if intervention.start_date is None or intervention.end_date is not None:
        return _not_possible(request, intervention, title, _("Bara en pågående insats kan bytas."))
    if not intervention.case.is_open:
        return _not_possible(request, intervention, title, _("Ärendet är avslutat."))
    form = _bound(
        request,
        InterventionMoveForm,
        initial={"version": intervention.version, "hours_per_week": intervention.hours_per_week},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.intervention_move(
                intervention=intervention,
                expected_version=data["version"],
                on=data["on"],
                outcome=data["outcome"],
                kind=data["kind"],
                provider=data["provider"],
                provider_name=data["provider_name"],
                hours_per_week=data["hours_per_week"],
                goal=data["goal"],
                request=request,
            )
        except services.ConcurrentEditError as exc:
            intervention.refresh_from_db()
            form = _rebind_with_version(form, intervention.version)
            form.add_error(None, exc)
        except ValidationError as exc:
            # The day is the old one's end and the new one's start: one field on this form.
            _add_service_errors(form, _renamed(exc, {"end_date": "on", "start_date": "on"}))
        else:
            messages.success(request, _("Insatsen är bytt till en arbetslivsinriktad insats."))
            return redirect("mapping:intervention_detail", pk=new.pk)
    intro = _(
        "Den arbetsförberedande insatsen avslutas med sitt resultat och den arbetslivsinriktade "
        "startar samma dag. Bytet registreras som en egen registreringspunkt."
    )
    if intervention.case.phase != Phase.WORK_ORIENTED:
        intro += " " + _("Ärendet går till fasen ”%(phase)s”.") % {
            "phase": Phase.WORK_ORIENTED.label
        }
    return _form_page(
        request,
        _context(intervention, title=title, intro=intro, form=form, submit_label=_("Byt insats")),
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def intervention_end(request, pk):
    intervention, _purpose = _intervention(request, pk)
    title = _("Avsluta insats")
    if intervention.start_date is None:
        return _not_possible(
            request,
            intervention,
            title,
            _("En insats som inte har startat kan inte avslutas."),
        )
    if intervention.end_date is not None:
        return _not_possible(request, intervention, title, _("Insatsen är redan avslutad."))
    form = _bound(
        request,
        InterventionEndForm,
        initial={"version": intervention.version, "follow_up_notes": intervention.follow_up_notes},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.intervention_end(
                intervention=intervention,
                expected_version=data["version"],
                on=data["end_date"],
                outcome=data["outcome"],
                follow_up_notes=data["follow_up_notes"],
                request=request,
            )
        except services.ConcurrentEditError as exc:
            intervention.refresh_from_db()
            form = _rebind_with_version(form, intervention.version)
            form.add_error(None, exc)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Insatsen är avslutad."))
            return redirect("mapping:intervention_detail", pk=intervention.pk)
    return _form_page(
        request,
        _context(
            intervention,
            title=title,
            intro=_("Ange dagen då insatsen slutade, resultatet och uppföljningen."),
            form=form,
            submit_label=_("Avsluta insatsen"),
        ),
    )
