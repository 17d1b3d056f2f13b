"""Pages for people and cases (SPEC §3, §7).

Every object is fetched through cases.access (another area's object answers 404) and every read
of a person's data is logged with its purpose; every write goes through a service with the
request, which validates, saves atomically and logs the change. A service's ValidationError is
shown next to the field it names, so bad input changes nothing and never gives a 500."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import scope_for
from audit.models import AccessLog
from audit.services import access_log_record, access_log_record_many
from mapping.services import meeting_create, plan_save
from samverkan.dates import days_between

from . import selectors, services
from .access import (
    ReasonRequired,
    break_glass_grant,
    get_visible_or_404,
    log_person_access,
)
from .flags import OVERDUE, WARNING, benefit_ends_priority, case_flags, is_young, rules_for
from .forms import (
    FLAG_LABELS,
    MEETING_PARTICIPANTS,
    BreakGlassForm,
    CaseEditForm,
    CaseOpenForm,
    CloseForm,
    ConsentForm,
    ConsentWithdrawForm,
    MeetingForm,
    MoveForm,
    PersonCreateForm,
    PersonEditForm,
    PersonForm,
    PersonSearchForm,
    PlanForm,
    SituationForm,
    StatusEntryForm,
    StatusOnForm,
    TransitionForm,
    WorklistFilterForm,
    user_label,
)
from .models import Case, Person, Phase, RuleSet, Situation, StatusEntry
from .secrecy import AF_FIELDS, FK_FIELDS, hidden_case_fields

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


# --- home and the worklist --------------------------------------------------------------------


def home(request):
    """Each role lands where its work is (SPEC §1)."""
    scope = scope_for(request.user)
    if scope.case_access:
        return worklist(request)
    if scope.area_aggregates or scope.national_aggregates:
        return redirect("reporting:overview")
    return render(request, "cases/no_role.html")


def _worklist_cases(user, scope, today):
    """Open cases, and cases ended lately whose closing documentation is still missing (it is
    due within 21 days of the end, SPEC §3 rule 5): the officer's own, or the coordinator's
    whole area."""
    recent = today - dt.timedelta(days=selectors.CASELOAD_AFTER_END_DAYS)
    waiting_for_doc = Q(phase=Phase.CLOSED, closing_doc_date__isnull=True, end_date__gte=recent)
    if scope.area_wide:
        cases = selectors.case_list_on_caseload(user=user)
    else:
        cases = selectors.caseload_cases(user=user, team=False)
    return cases.filter(~Q(phase=Phase.CLOSED) | waiting_for_doc)


def worklist(request):
    scope = scope_for(request.user)
    today = timezone.localdate()
    title = _("Områdets ärenden") if scope.area_wide else _("Mina ärenden")
    cases = _worklist_cases(request.user, scope, today)
    filter_form = WorklistFilterForm(request.GET or None)
    flag = ""
    if filter_form.is_bound and filter_form.is_valid():
        data = filter_form.cleaned_data
        if data["phase"]:
            cases = cases.filter(phase=data["phase"])
        if data["target_group"]:
            cases = cases.filter(target_group=data["target_group"])
        flag = data["flag"]
    rows = selectors.worklist_rows(user=request.user, cases=cases, today=today)
    if flag:
        rows = [row for row in rows if any(f.code == flag for f in row["flags"])]
    truncated = len(rows) > WORKLIST_LIMIT
    rows = rows[:WORKLIST_LIMIT]
    access_log_record_many(
        action=AccessLog.Action.VIEW,
        request=request,
        objects=[row["case"] for row in rows],
        purpose="ärendelista",
    )
    return render(
        request,
        "cases/worklist.html",
        {
            "rows": rows,
            "title": title,
            "search_form": PersonSearchForm(),
            "filter_form": filter_form,
            "filtered": bool(request.GET),
            "truncated": truncated,
            "limit": WORKLIST_LIMIT,
            "is_coordinator": scope.area_wide,
            "flag_labels": FLAG_LABELS,
            "OVERDUE": OVERDUE,
            "WARNING": WARNING,
        },
    )


def caseload(request):
    """The coordinator's view of each officer's caseload against the norms (SPEC §3, §5)."""
    scope = scope_for(request.user)
    if not scope.area_wide:
        raise PermissionDenied
    today = timezone.localdate()
    rows = selectors.caseload_by_officer(area_ids=scope.area_ids, today=today)
    return render(
        request,
        "cases/caseload.html",
        {"rows": rows, "today": today, "rules": RuleSet.for_date(today)},
    )


# --- search and break the glass ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def person_search(request):
    """Search is POSTed so a personnummer never lands in an address or a server log."""
    form = PersonSearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        try:
            found = selectors.person_search(user=request.user, query=form.cleaned_data["q"])
        except selectors.SearchError as exc:
            form.add_error("q", str(exc))
        else:
            results = list(found[:50])
            on_caseload = set(
                selectors.person_list_on_caseload(user=request.user)
                .filter(pk__in=[p.pk for p in results])
                .values_list("pk", flat=True)
            )
            outside = {p.pk for p in results} - on_caseload
            for person in results:
                person.outside_caseload = person.pk in outside
            # One entry per person shown; the log is kept in Swedish whatever the UI language.
            access_log_record_many(
                action=AccessLog.Action.SEARCH,
                request=request,
                objects=results,
                purpose="sökträff",
                outside_ids=outside,
            )
            if not results:  # a search that found no one is still a search (enumeration)
                access_log_record(
                    action=AccessLog.Action.SEARCH,
                    request=request,
                    object_type="person",
                    purpose="sökning utan träff",
                )
    return render(
        request,
        "cases/person_search.html",
        {"form": form, "results": results, "can_create": scope_for(request.user).case_access},
    )


@require_http_methods(["GET", "POST"])
def person_reason(request, pk):
    """Break the glass: state why before opening a person outside one's caseload."""
    person = get_visible_or_404(
        request=request,
        queryset=selectors.person_list_visible_to(user=request.user),
        pk=pk,
        object_type="person",
    )
    if selectors.person_relation(user=request.user, person=person) is not None:
        return redirect("cases:person_detail", pk=person.pk)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        break_glass_grant(request=request, person=person, reason=form.cleaned_data["reason"])
        messages.info(request, _("Skälet är sparat i åtkomstloggen."))
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return redirect(target)
        return redirect("cases:person_detail", pk=person.pk)
    # Only the masked number is shown before the reason is given.
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    return render(
        request, "cases/person_reason.html", {"person": person, "form": form, "next": next_url}
    )


# --- people -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def person_create(request):
    scope = scope_for(request.user)
    if not scope.case_access:
        raise PermissionDenied
    form = _bound(request, PersonCreateForm, area_ids=scope.area_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(
                personnummer=data["personnummer"],
                area=data["area"],
                request=request,
                **form.service_data(),
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Personen är registrerad."))
            return redirect("cases:person_detail", pk=person.pk)
    return _form_page(
        request,
        {
            "title": _("Registrera ny person"),
            "form": form,
            "submit_label": _("Registrera"),
            "cancel_url": reverse("home"),
        },
    )


@_reason_redirect
def person_detail(request, pk):
    person, purpose = _person(request, pk)
    today = timezone.localdate()
    cases = list(
        person.cases.visible_to(request.user)
        .select_related("fk_officer", "af_officer", "area")
        .order_by("-created_at", "-id")
    )
    status_form = StatusOnForm(request.GET if "status_on" in request.GET else None)
    status_on = None
    if status_form.is_bound and status_form.is_valid() and status_form.cleaned_data["status_on"]:
        day = status_form.cleaned_data["status_on"]
        status_on = {"day": day, "entry": StatusEntry.status_on(person, day)}
    return render(
        request,
        "cases/person_detail.html",
        {
            "person": person,
            "purpose": purpose,
            "cases": cases,
            "has_open_case": any(c.is_open for c in cases),
            "consents": list(person.consents.select_related("recorded_by")),
            "entries": list(person.status_entries.select_related("code", "created_by")),
            "status_form": status_form,
            "status_on": status_on,
            "anonymous": person.is_anonymous_on(today),
            "facts": [
                (
                    _label(Person, name),
                    display_value(Person._meta.get_field(name), getattr(person, name)),
                )
                for name in (
                    "born_abroad",
                    "education_level",
                    "disability",
                    "phone",
                    "email",
                    "street_address",
                    "postal_code",
                    "city",
                    "protected_identity",
                )
            ],
        },
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person, _purpose = _person(request, pk)
    stored = None
    if request.method == "POST":
        form = PersonEditForm(request.POST)
        if form.is_valid():
            try:
                services.person_update(
                    person=person,
                    expected_version=form.cleaned_data["version"],
                    data=form.service_data(),
                    request=request,
                )
            except services.ConcurrentEditError as exc:
                person.refresh_from_db()
                stored = _stored_rows(person, form)
                form = _rebind_with_version(form, person.version)
                form.add_error(None, exc)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Uppgifterna är sparade."))
                return redirect("cases:person_detail", pk=person.pk)
    else:
        initial = {name: getattr(person, name) for name in PersonForm.base_fields}
        form = PersonEditForm(initial={**initial, "version": person.version})
    return _form_page(
        request,
        {
            "title": _("Ändra uppgifter om %(name)s") % {"name": person.full_name},
            "form": form,
            "stored": stored,
            "submit_label": _("Spara"),
            "cancel_url": reverse("cases:person_detail", args=[person.pk]),
        },
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def consent_create(request, pk):
    person, _purpose = _person(request, pk)
    form = _bound(request, ConsentForm)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(person=person, request=request, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Samtycket är registrerat."))
            return redirect("cases:person_detail", pk=person.pk)
    return _form_page(
        request,
        {
            "title": _("Registrera samtycke"),
            "subject": person.full_name,
            "intro": _(
                "Samtycket eller den rättsliga grunden styr vilka uppgifter som får lämnas "
                "mellan Försäkringskassan och Arbetsförmedlingen och om personen får ingå i "
                "uppföljningen."
            ),
            "form": form,
            "submit_label": _("Registrera samtycke"),
            "cancel_url": reverse("cases:person_detail", args=[person.pk]),
        },
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, pk):
    """The consent is chosen in the form (preselected by ?samtycke=<id> from the person page)."""
    person, _purpose = _person(request, pk)
    initial = {}
    chosen = request.GET.get("samtycke", "")
    if chosen.isdigit() and len(chosen) < 10:
        initial["consent"] = int(chosen)
    form = _bound(request, ConsentWithdrawForm, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                consent=form.cleaned_data["consent"],
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                request=request,
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Samtycket är återkallat."))
            return redirect("cases:person_detail", pk=person.pk)
    no_consent = not form.fields["consent"].queryset.exists()
    return _form_page(
        request,
        {
            "title": _("Återkalla samtycke"),
            "subject": person.full_name,
            "intro": _("Personen har inget gällande samtycke.") if no_consent else "",
            "form": None if no_consent else form,
            "submit_label": _("Återkalla"),
            "cancel_url": reverse("cases:person_detail", args=[person.pk]),
        },
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def status_entry_create(request, pk):
    person, _purpose = _person(request, pk)
    form = _bound(request, StatusEntryForm)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.status_entry_save(
                person=person,
                on=data["date"],
                code=data["code"],
                note=data["note"],
                request=request,
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Statusposten är sparad."))
            return redirect("cases:person_detail", pk=person.pk)
    return _form_page(
        request,
        {
            "title": _("Ny statuspost"),
            "subject": person.full_name,
            "form": form,
            "submit_label": _("Spara"),
            "cancel_url": reverse("cases:person_detail", args=[person.pk]),
        },
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def case_open(request, pk):
    person, _purpose = _person(request, pk)
    scope = scope_for(request.user)
    initial = {}
    if scope.is_officer and scope.agency_code in ("FK", "AF"):
        initial[f"{scope.agency_code.lower()}_officer"] = request.user.pk
    form = _bound(request, CaseOpenForm, person=person, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(person=person, request=request, **form.service_data())
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Ärendet är öppnat."))
            return redirect("cases:case_detail", pk=case.pk)
    open_case = person.cases.open().first()
    return _form_page(
        request,
        {
            "title": _("Öppna ärende"),
            "subject": person.full_name,
            "intro": _("Personen har redan ett öppet ärende och kan inte ha två samtidigt.")
            if open_case
            else "",
            "form": form,
            "submit_label": _("Öppna ärendet"),
            "cancel_url": reverse("cases:person_detail", args=[person.pk]),
        },
    )


# --- the case page ----------------------------------------------------------------------------

CASE_FACTS = (
    "fk_officer",
    "af_officer",
    "target_group",
    "referral_date",
    "start_date",
    "end_date",
    "exit_reason",
    "closing_doc_date",
    "benefit",
    "benefit_end_date",
    "sick_leave_start",
)
CASE_HISTORY_FIELDS = ("phase", "area", *CASE_FACTS, "fk_notes", "af_notes")
PERSON_HISTORY_FIELDS = (
    # Never the personnummer here: the full number is shown on the person page only.
    "first_name",
    "last_name",
    "area",
    "born_abroad",
    "education_level",
    "disability",
    "phone",
    "email",
    "street_address",
    "postal_code",
    "city",
    "protected_identity",
)
STATUS_HISTORY_FIELDS = ("date", "code", "note")


def _history_value(field, record):
    if isinstance(field, models.ForeignKey):
        try:
            value = getattr(record, field.name)
        except field.related_model.DoesNotExist:
            return "–"
    else:
        value = getattr(record, field.attname)
    return display_value(field, value)


def _history_rows(*, case: Case, hidden: frozenset[str]) -> list[dict]:
    """Who changed what, old → new, for the case, its person, the person's status entries and
    the case's situations (SPEC §7). Fields the reader may not see are never shown, and a change
    of only such fields is left out altogether (its date alone would reveal it)."""
    person = case.person
    sources = [
        (
            case.history.select_related("history_user", "fk_officer", "af_officer", "area"),
            Case,
            [f for f in CASE_HISTORY_FIELDS if f not in hidden],
            lambda r: _("Ärende"),
        ),
        (
            person.history.select_related("history_user", "area"),
            Person,
            list(PERSON_HISTORY_FIELDS),
            lambda r: _("Deltagare"),
        ),
        (
            StatusEntry.history.filter(person_id=person.pk).select_related("history_user", "code"),
            StatusEntry,
            list(STATUS_HISTORY_FIELDS),
            lambda r: _("Statuspost %(day)s") % {"day": r.date.isoformat()},
        ),
        (
            Situation.history.filter(case_id=case.pk).select_related("history_user"),
            Situation,
            list(services.SITUATION_FIELDS),
            lambda r: _("Situation: %(moment)s") % {"moment": Situation.Moment(r.moment).label},
        ),
    ]
    kinds = {"+": _("Registrerad"), "~": _("Ändrad"), "-": _("Borttagen")}
    rows = []
    for queryset, model, names, object_label in sources:
        fields = [model._meta.get_field(name) for name in names]
        previous = {}
        for record in queryset.order_by("history_date", "history_id"):
            before = previous.get(record.id)
            previous[record.id] = record
            if record.history_type == "~" and before is not None:
                delta = record.diff_against(before, included_fields=names)
                changed = {change.field for change in delta.changes}
                changes = [
                    (capfirst(f.verbose_name), _history_value(f, before), _history_value(f, record))
                    for f in fields
                    if f.name in changed
                ]
                if not changes:
                    continue
            elif record.history_type == "+":
                # What it was registered with; empty values and unticked boxes say nothing.
                changes = [
                    (capfirst(f.verbose_name), "–", _history_value(f, record))
                    for f in fields
                    if getattr(record, f.attname) not in (None, "")
                    and not (
                        isinstance(f, models.BooleanField)
                        and not f.null
                        and not getattr(record, f.attname)
                    )
                ]
            else:
                changes = []
            rows.append(
                {
                    "when": record.history_date,
                    "who": user_label(record.history_user) if record.history_user else "–",
                    "object": object_label(record),
                    "kind": kinds.get(record.history_type, record.history_type),
                    "changes": changes,
                }
            )
    rows.sort(key=lambda row: row["when"], reverse=True)
    return rows


def _next_phases(case: Case) -> list[tuple[str, str]]:
    return [(p.value, p.label) for p in Phase if p != Phase.CLOSED and case.can_move_to(p)]


@_reason_redirect
def case_detail(request, pk):
    case, purpose = _case(request, pk)
    today = timezone.localdate()
    person = case.person
    hidden = hidden_case_fields(user=request.user, person=person, on=today)
    rules = rules_for(case)
    plans = list(case.plan_versions.select_related("created_by"))
    meetings = list(case.meetings.select_related("created_by"))
    participant_labels = dict(MEETING_PARTICIPANTS)
    for meeting in meetings:
        meeting.participant_labels = [
            str(participant_labels.get(code, code)) for code in meeting.participants or []
        ]
    flags = case_flags(
        case,
        today=today,
        rules=rules,
        has_plan=bool(plans),
        last_follow_up=selectors.last_follow_ups([case.pk]).get(case.pk),
        hidden=hidden,
    )
    facts = [
        (_label(Case, name), display_value(Case._meta.get_field(name), getattr(case, name)))
        for name in CASE_FACTS
        if name not in hidden
    ]
    notes = [
        (_label(Case, name), getattr(case, name))
        for name in ("fk_notes", "af_notes")
        if name not in hidden
    ]
    situations = {s.moment: s for s in case.situations.all()}
    situation_fields = [Situation._meta.get_field(name) for name in services.SITUATION_FIELDS]
    situation_rows = []
    for moment in Situation.Moment:
        situation = situations.get(moment.value)
        situation_rows.append(
            {
                "moment": moment,
                "url": reverse(f"cases:situation_{moment.value}", args=[case.pk]),
                "values": [
                    (capfirst(f.verbose_name), display_value(f, getattr(situation, f.name)))
                    for f in situation_fields
                    if not (moment == Situation.Moment.END and f.name == "public_support_months")
                ]
                if situation
                else None,
            }
        )
    scope = scope_for(request.user)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "person": person,
            "purpose": purpose,
            "anonymous": person.protected_identity,
            "facts": facts,
            "notes": notes,
            "fk_hidden": bool(hidden & FK_FIELDS),
            "af_hidden": bool(hidden & AF_FIELDS),
            "flags": flags,
            "OVERDUE": OVERDUE,
            "WARNING": WARNING,
            "young": is_young(case, rules, today),
            "young_max_age": rules.young_max_age,
            "benefit_ends": "benefit_ends_priority" not in hidden
            and benefit_ends_priority(case, rules),
            "day_number": days_between(case.start_date, case.end_date or today)
            if case.start_date
            else None,
            "transitions": list(case.transitions.select_related("by")),
            "situations": situation_rows,
            "plan": plans[0] if plans else None,
            "older_plans": plans[1:],
            "meetings": meetings,
            "history": _history_rows(case=case, hidden=hidden),
            "can_change_phase": case.is_open and bool(_next_phases(case)),
            "can_move": case.is_open and scope.area_wide,
        },
    )


# --- case actions -----------------------------------------------------------------------------


def _case_page_context(case, **extra):
    return {
        "subject": _("%(case)s – %(name)s, %(phase)s")
        % {"case": case, "name": case.person.full_name, "phase": case.get_phase_display()},
        "cancel_url": reverse("cases:case_detail", args=[case.pk]),
        **extra,
    }


@_reason_redirect
@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    case, _purpose = _case(request, pk)
    kwargs = {"case": case, "user": request.user}
    stored = None
    if request.method == "POST":
        form = CaseEditForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                services.case_update(
                    case=case,
                    expected_version=form.cleaned_data["version"],
                    data=form.service_data(),
                    request=request,
                )
            except services.ConcurrentEditError as exc:
                case.refresh_from_db()
                stored = _stored_rows(case, form)
                form = _rebind_with_version(form, case.version, **kwargs)
                form.add_error(None, exc)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Ärendet är sparat."))
                return redirect("cases:case_detail", pk=case.pk)
    else:
        form = CaseEditForm(**kwargs)
        form.initial = {
            **{name: getattr(case, name) for name in form.fields if name != "version"},
            "fk_officer": case.fk_officer_id,
            "af_officer": case.af_officer_id,
            "version": case.version,
        }
    return _form_page(
        request,
        _case_page_context(
            case,
            title=_("Ändra ärende"),
            intro=_(
                "Varje myndighet registrerar sina egna uppgifter: Försäkringskassan "
                "ersättningen, Arbetsförmedlingen sina anteckningar."
            ),
            form=form,
            stored=stored,
            submit_label=_("Spara"),
        ),
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def case_transition(request, pk):
    case, _purpose = _case(request, pk)
    choices = _next_phases(case)
    if not case.is_open or not choices:
        intro = (
            _("Ärendet är avslutat.")
            if not case.is_open
            else _("Ärendet är i sista fasen och kan bara avslutas.")
        )
        return _form_page(
            request, _case_page_context(case, title=_("Byt fas"), intro=intro, form=None)
        )
    form = _bound(request, TransitionForm, choices=choices, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_transition(
                case=case,
                to_phase=data["to_phase"],
                on=data["on"],
                note=data["note"],
                expected_version=data["version"],
                request=request,
            )
        except services.ConcurrentEditError as exc:
            case.refresh_from_db()
            form = _rebind_with_version(form, case.version, choices=_next_phases(case))
            form.add_error(None, exc)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Fasen är bytt."))
            return redirect("cases:case_detail", pk=case.pk)
    return _form_page(
        request,
        _case_page_context(
            case,
            title=_("Byt fas"),
            intro=_(
                "Ärendet går bara framåt. En individuell plan krävs före introduktion och "
                "prövning, och efter dag %(max)d kan ärendet bara avslutas."
            )
            % {"max": rules_for(case).max_days},
            form=form,
            submit_label=_("Byt fas"),
        ),
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def case_close(request, pk):
    case, _purpose = _case(request, pk)
    if not case.is_open:
        return _form_page(
            request,
            _case_page_context(
                case, title=_("Avsluta ärende"), intro=_("Ärendet är redan avslutat."), form=None
            ),
        )
    form = _bound(request, CloseForm, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_transition(
                case=case,
                to_phase=Phase.CLOSED,
                on=data["on"],
                exit_reason=data["exit_reason"],
                note=data["note"],
                expected_version=data["version"],
                request=request,
            )
        except services.ConcurrentEditError as exc:
            case.refresh_from_db()
            form = _rebind_with_version(form, case.version)
            form.add_error(None, exc)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Ärendet är avslutat."))
            return redirect("cases:case_detail", pk=case.pk)
    return _form_page(
        request,
        _case_page_context(
            case,
            title=_("Avsluta ärende"),
            intro=_(
                "Ett ärende kan avslutas från varje fas. Slutdokumentationen ska sedan "
                "upprättas inom %(days)d dagar."
            )
            % {"days": rules_for(case).closing_doc_days},
            form=form,
            submit_label=_("Avsluta ärendet"),
        ),
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def case_move(request, pk):
    """The person moved: the coordinator moves the case to the new area (SPEC §3)."""
    case = _visible_case(request, pk)
    if not scope_for(request.user).area_wide:
        raise PermissionDenied
    log_person_access(request=request, obj=case, person=case.person)
    form = _bound(request, MoveForm, case=case)
    if request.method == "POST" and form.is_valid():
        to_area = form.cleaned_data["to_area"]
        try:
            services.case_move_area(
                case=case, to_area=to_area, on=form.cleaned_data["on"], request=request
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            if selectors.case_list_visible_to(user=request.user).filter(pk=case.pk).exists():
                messages.success(
                    request, _("Ärendet är flyttat till %(area)s.") % {"area": to_area}
                )
                return redirect("cases:case_detail", pk=case.pk)
            # The old area loses access the same day: the case page would now answer 404.
            messages.success(
                request,
                _(
                    "Ärendet är flyttat till %(area)s. Det hör inte längre till dina områden "
                    "och visas inte för dig."
                )
                % {"area": to_area},
            )
            return redirect("home")
    return _form_page(
        request,
        _case_page_context(
            case,
            title=_("Flytta till annat område"),
            intro=_(
                "Ärendet och personen flyttas med hela sin historik. Det gamla områdets "
                "handläggare och samordnare förlorar åtkomsten samma dag, och handläggarna "
                "tas bort från ärendet."
            ),
            form=form,
            submit_label=_("Flytta ärendet"),
        ),
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def situation_edit(request, pk, moment):
    case, _purpose = _case(request, pk)
    situation = case.situations.filter(moment=moment).first()
    initial = {}
    if situation is not None:
        initial = {name: getattr(situation, name) for name in services.SITUATION_FIELDS}
    form = _bound(request, SituationForm, moment=moment, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.situation_save(
                case=case, moment=moment, data=form.service_data(), request=request
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Situationen är sparad."))
            return redirect("cases:case_detail", pk=case.pk)
    return _form_page(
        request,
        _case_page_context(
            case,
            title=_("Situation: %(moment)s") % {"moment": Situation.Moment(moment).label},
            form=form,
            submit_label=_("Spara"),
        ),
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def plan_create(request, pk):
    case, _purpose = _case(request, pk)
    latest = case.plan_versions.first()
    initial = {}
    if latest is not None:
        initial = {
            "goal": latest.goal,
            "activities": latest.activities,
            "start_date": latest.start_date,
            "end_date": latest.end_date,
        }
    form = _bound(request, PlanForm, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan_save(case=case, request=request, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Planen är sparad som en ny version."))
            return redirect("cases:case_detail", pk=case.pk)
    return _form_page(
        request,
        _case_page_context(
            case,
            title=_("Ny version av den individuella planen"),
            intro=_("Tidigare versioner sparas och kan läsas på ärendet.")
            if latest
            else _("En individuell plan krävs före introduktion och prövning."),
            form=form,
            submit_label=_("Spara ny version"),
        ),
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def meeting_new(request, pk):
    case, _purpose = _case(request, pk)
    form = _bound(request, MeetingForm)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting_create(
                person=case.person,
                case=case,
                kind=data["kind"],
                on=data["date"],
                participants=data["participants"],
                notes=data["notes"],
                request=request,
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Mötet är registrerat."))
            return redirect("cases:case_detail", pk=case.pk)
    return _form_page(
        request,
        _case_page_context(
            case,
            title=_("Registrera möte"),
            intro=_("Registrera mötet när det har hållits. Möten räknas som uppföljning."),
            form=form,
            submit_label=_("Registrera mötet"),
        ),
    )
