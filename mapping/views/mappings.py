"""Joint-mapping and meeting pages (SPEC §4, ADR 0008): request a mapping, read it, change its
facts, record the decision, confirm it for one's agency, and register or correct meetings.

Every page fetches its object through a scoped selector (another area's object answers 404),
logs the access with its purpose (break-the-glass outside the caseload), and writes only through
mapping.services, whose ValidationErrors are shown next to the field they name."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import scope_for
from cases.access import get_visible_or_404, log_person_access
from cases.forms import user_label
from cases.secrecy import FK_FIELDS, hidden_case_fields
from cases.views._common import (
    _add_service_errors,
    _bound,
    _form_page,
    _person,
    _reason_redirect,
    _rebind_with_version,
    _stored_rows,
    display_value,
)

from .. import services
from ..forms.mappings import (
    MappingCreateForm,
    MappingDecideForm,
    MappingEditForm,
    MappingSignForm,
    MeetingCreateForm,
    MeetingEditForm,
)
from ..models import (
    AgencyCode,
    Decision,
    JointMapping,
    Meeting,
    Participant,
    participants_in_order,
    sick_leave_day,
)
from ..selectors import mapping_list_visible_to, meeting_list_visible_to

# --- shared helpers ---------------------------------------------------------------------------


def participant_labels(codes) -> list[str]:
    return [str(Participant(code).label) for code in participants_in_order(codes or [])]


def mapping_status_label(mapping: JointMapping) -> str:
    """Where the mapping stands: the waiting state and registration points of SPEC §3."""
    if not mapping.is_open:
        return _("Avslutad")
    if mapping.decision_pending:
        return _("Beslut väntar på bekräftelse")
    if mapping.waiting_for_first_meeting:
        return _("Väntar på första möte")
    return _("Pågår")


def _mapping(request, pk) -> tuple[JointMapping, str]:
    mapping = get_visible_or_404(
        request=request,
        queryset=mapping_list_visible_to(user=request.user),
        pk=pk,
        object_type="jointmapping",
    )
    purpose = log_person_access(request=request, obj=mapping, person=mapping.person)
    return mapping, purpose


def _meeting(request, pk) -> tuple[Meeting, str]:
    meeting = get_visible_or_404(
        request=request,
        queryset=meeting_list_visible_to(user=request.user).select_related("mapping", "case"),
        pk=pk,
        object_type="meeting",
    )
    purpose = log_person_access(request=request, obj=meeting, person=meeting.person)
    return meeting, purpose


def _mapping_page_context(mapping: JointMapping, **extra) -> dict:
    return {
        "subject": _("%(mapping)s – %(name)s, %(status)s")
        % {
            "mapping": mapping,
            "name": mapping.person.full_name,
            "status": mapping_status_label(mapping).lower(),
        },
        "cancel_url": reverse("mapping:mapping_detail", args=[mapping.pk]),
        **extra,
    }


def _value(field, value) -> str:
    """A stored value as the mapping pages show it (participants as words, times local)."""
    if field.name == "participants":
        return ", ".join(participant_labels(value)) or "–"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return display_value(field, value)


def _stored(obj, form) -> list[dict]:
    """The "Nu sparat" panel (cases' `_stored_rows`), with participants compared as a set."""
    rows = _stored_rows(obj, form)
    typed = getattr(form, "cleaned_data", {})
    names = [name for name in form.fields if name != "version"]
    for name, row in zip(names, rows, strict=True):
        if name == "participants":
            stored = participants_in_order(obj.participants or [])
            row["value"] = ", ".join(participant_labels(stored)) or "–"
            row["differs"] = name in typed and participants_in_order(typed[name]) != stored
    return rows


def _agency_label(code: str) -> str:
    return str(AgencyCode(code).label)


def _sign_refusal(user, mapping: JointMapping) -> str | None:
    """Why this user cannot confirm the decision now, or None. For the page only: the rule is
    `mapping_sign`'s, which refuses on its own whatever the page showed."""
    if not mapping.decision_pending:
        return (
            _("Kartläggningen är avslutad.")
            if not mapping.is_open
            else _("Det finns inget beslut att bekräfta.")
        )
    scope = scope_for(user)
    agency = scope.agency_code
    if not (scope.is_officer and scope.case_access and agency in AgencyCode.values):
        return _(
            "Beslutet bekräftas av en handläggare på Försäkringskassan och en på "
            "Arbetsförmedlingen i kartläggningens område."
        )
    if mapping.signed_by_agency(agency):
        return _("Beslutet är redan bekräftat för din myndighet.")
    named = mapping.fk_officer_id if agency == AgencyCode.FK else mapping.af_officer_id
    if named is not None and named != user.pk:
        return _("Kartläggningens handläggare på din myndighet bekräftar beslutet.")
    return None


def _confirmations(mapping: JointMapping) -> list[dict]:
    rows = []
    for agency, officer, signer, signed_at in (
        (AgencyCode.FK, mapping.fk_officer, mapping.fk_signed_by, mapping.fk_signed_at),
        (AgencyCode.AF, mapping.af_officer, mapping.af_signed_by, mapping.af_signed_at),
    ):
        rows.append(
            {
                "agency": agency.label,
                "signed": signed_at is not None,
                "by": user_label(signer) if signer else "",
                "at": signed_at,
                "officer": user_label(officer) if officer else "",
            }
        )
    return rows


def _decision_summary(mapping: JointMapping) -> dict | None:
    if not mapping.decision:
        return None
    active = mapping.decision == Decision.JOINT_ACTIVE_SUPPORT
    return {
        "label": mapping.get_decision_display(),
        "reason": mapping.decision_reason,
        "date": mapping.decision_date,
        "active": active,
        "target_group": mapping.get_case_target_group_display() if active else "",
        "phase": mapping.get_case_phase_display() if active else "",
        "case_date": mapping.case_date if active else None,
        "pending": mapping.decision_pending,
        "confirmations": _confirmations(mapping),
    }


# --- change history ---------------------------------------------------------------------------

MAPPING_HISTORY_FIELDS = (
    "initiated_by",
    "initiation_reason",
    "requested_on",
    "request_received_on",
    "first_meeting_on",
    "ended_on",
    "fk_officer",
    "af_officer",
    "benefit",
    "benefit_end_date",
    "sick_leave_start",
    "participants",
    "rough_plan",
    "decision",
    "decision_reason",
    "decision_date",
    "case_target_group",
    "case_phase",
    "case_date",
    "fk_signed_by",
    "fk_signed_at",
    "af_signed_by",
    "af_signed_at",
    "case",
)
MEETING_HISTORY_FIELDS = ("kind", "date", "participants", "notes")


def _history_value(field, record) -> str:
    if isinstance(field, models.ForeignKey):
        try:
            value = getattr(record, field.name)
        except field.related_model.DoesNotExist:
            return "–"
    else:
        value = getattr(record, field.attname)
    return _value(field, value)


def _is_empty(field, record) -> bool:
    value = getattr(record, field.attname)
    if isinstance(field, models.BooleanField) and not field.null:
        return not value
    return value in (None, "", [])


def history_rows(sources) -> list[dict]:
    """Who changed what, old → new, newest first (SPEC §7), from django-simple-history.

    `sources` are (historical queryset, model, field names, label of a record). Leave out the
    fields the reader may not see: a change of only such fields is then left out altogether,
    since its date alone would reveal it (as on the case page)."""
    kinds = {"+": _("Registrerad"), "~": _("Ändrad"), "-": _("Borttagen")}
    rows = []
    for queryset, model, names, object_label in sources:
        fields = [model._meta.get_field(name) for name in names]
        previous = {}
        for record in queryset.order_by("history_date", "history_id"):
            before = previous.get(record.id)
            previous[record.id] = record
            if record.history_type == "~" and before is not None:
                delta = record.diff_against(before, included_fields=list(names))
                changed = {change.field for change in delta.changes}
                changes = [
                    (capfirst(f.verbose_name), _history_value(f, before), _history_value(f, record))
                    for f in fields
                    if f.name in changed
                ]
                if not changes:
                    continue
            elif record.history_type == "+":
                # What it was registered with; empty values say nothing.
                changes = [
                    (capfirst(f.verbose_name), "–", _history_value(f, record))
                    for f in fields
                    if not _is_empty(f, record)
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


def _mapping_history(mapping: JointMapping, hidden: frozenset[str]) -> list[dict]:
    return history_rows(
        [
            (
                mapping.history.select_related(
                    "history_user",
                    "fk_officer",
                    "af_officer",
                    "fk_signed_by",
                    "af_signed_by",
                    "case",
                ),
                JointMapping,
                [f for f in MAPPING_HISTORY_FIELDS if f not in hidden],
                lambda r: _("Kartläggning"),
            ),
            (
                Meeting.history.filter(mapping_id=mapping.pk).select_related("history_user"),
                Meeting,
                list(MEETING_HISTORY_FIELDS),
                lambda r: _("Möte %(day)s") % {"day": r.date.isoformat()},
            ),
        ]
    )


# --- the mapping page -------------------------------------------------------------------------

FACT_FIELDS = (
    "initiated_by",
    "requested_on",
    "request_received_on",
    "first_meeting_on",
    "ended_on",
    "fk_officer",
    "af_officer",
    "benefit",
    "benefit_end_date",
    "sick_leave_start",
)


def _sick_leave_fact(mapping: JointMapping) -> str:
    band = mapping.get_sick_leave_band_display()
    if not band:
        return "–"
    day = sick_leave_day(mapping.sick_leave_start, mapping.mapping_date)
    return _("%(band)s (dag %(day)d i sjukfallet)") % {"band": band, "day": day}


@_reason_redirect
@require_http_methods(["GET"])
def mapping_detail(request, pk):
    mapping, purpose = _mapping(request, pk)
    person = mapping.person
    hidden = hidden_case_fields(user=request.user, person=person, on=timezone.localdate())
    facts = [
        (
            capfirst(JointMapping._meta.get_field(name).verbose_name),
            _value(JointMapping._meta.get_field(name), getattr(mapping, name)),
        )
        for name in FACT_FIELDS
        if name not in hidden
    ]
    if "sick_leave_start" not in hidden:
        facts.append((_("Tid i sjukfallet vid kartläggningen"), _sick_leave_fact(mapping)))
    facts.append(
        (
            capfirst(JointMapping._meta.get_field("participants").verbose_name),
            ", ".join(participant_labels(mapping.participants)) or "–",
        )
    )
    meetings = list(mapping.meetings.select_related("created_by"))
    for meeting in meetings:
        meeting.participant_labels = participant_labels(meeting.participants)
    refusal = _sign_refusal(request.user, mapping)
    return render(
        request,
        "mapping/mapping_detail.html",
        {
            "mapping": mapping,
            "person": person,
            "purpose": purpose,
            "status": mapping_status_label(mapping),
            "facts": facts,
            "fk_hidden": bool(hidden & FK_FIELDS),
            "meetings": meetings,
            "decision": _decision_summary(mapping),
            "can_edit": mapping.is_open,
            "can_decide": mapping.is_open and mapping.first_meeting_on is not None,
            "can_sign": mapping.decision_pending and refusal is None,
            "history": _mapping_history(mapping, hidden),
        },
    )


# --- request, change, decide, confirm ---------------------------------------------------------


@_reason_redirect
@require_http_methods(["GET", "POST"])
def mapping_create(request, pk):
    person, _purpose = _person(request, pk)
    context = {
        "title": _("Begär gemensam kartläggning"),
        "subject": person.full_name,
        "cancel_url": reverse("cases:person_detail", args=[person.pk]),
    }
    if person.mappings.open().exists():
        # One open mapping per person (a database constraint); the service says so too.
        return _form_page(
            request,
            {
                **context,
                "intro": _(
                    "Personen har redan en pågående gemensam kartläggning. En ny kan begäras "
                    "när den är avslutad."
                ),
                "form": None,
            },
        )
    scope = scope_for(request.user)
    initial = {}
    if scope.agency_code in AgencyCode.values:
        initial["initiated_by"] = scope.agency_code
        if scope.is_officer:
            initial[f"{scope.agency_code.lower()}_officer"] = request.user.pk
    form = _bound(request, MappingCreateForm, area=person.area, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mapping = services.mapping_create(person=person, request=request, **form.service_data())
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Begäran om gemensam kartläggning är registrerad."))
            return redirect("mapping:mapping_detail", pk=mapping.pk)
    return _form_page(
        request,
        {
            **context,
            "intro": _(
                "Kartläggningen kan initieras av båda myndigheterna, för alla som kan behöva "
                "arbetslivsinriktad rehabilitering oavsett ersättning. Försäkringskassan "
                "registrerar uppgifterna om ersättning och sjukfall."
            ),
            "form": form,
            "submit_label": _("Registrera begäran"),
        },
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def mapping_edit(request, pk):
    mapping, _purpose = _mapping(request, pk)
    title = _("Ändra kartläggning")
    if not mapping.is_open:
        return _form_page(
            request,
            _mapping_page_context(
                mapping,
                title=title,
                intro=_("Kartläggningen är avslutad och kan inte ändras."),
                form=None,
            ),
        )
    kwargs = {"area": mapping.area, "user": request.user}
    stored = None
    if request.method == "POST":
        form = MappingEditForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                services.mapping_update(
                    mapping=mapping,
                    expected_version=form.cleaned_data["version"],
                    data=form.service_data(),
                    request=request,
                )
            except services.ConcurrentEditError as exc:
                mapping.refresh_from_db()
                stored = _stored(mapping, form)
                form = _rebind_with_version(form, mapping.version, **kwargs)
                form.add_error(None, exc)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Kartläggningen är sparad."))
                return redirect("mapping:mapping_detail", pk=mapping.pk)
    else:
        form = MappingEditForm(initial=MappingEditForm.initial_for(mapping), **kwargs)
    intro = _(
        "Varje myndighet registrerar sina egna uppgifter: Försäkringskassan ersättningen och "
        "sjukfallet."
    )
    if mapping.decision_pending:
        intro = " ".join(
            [
                str(intro),
                _(
                    "Beslutet väntar på bekräftelse: sparar du en ändring tas bekräftelserna "
                    "bort, och båda myndigheterna bekräftar beslutet på nytt."
                ),
            ]
        )
    return _form_page(
        request,
        _mapping_page_context(
            mapping,
            title=title,
            intro=intro,
            form=form,
            stored=stored,
            submit_label=_("Spara"),
        ),
    )


def _decided_message(mapping: JointMapping) -> str:
    signed = [a for a in AgencyCode.values if mapping.signed_by_agency(a)]
    if not signed:
        return _("Beslutet är registrerat. Det väntar på bekräftelse från båda myndigheterna.")
    waiting = [a for a in AgencyCode.values if a not in signed]
    return _(
        "Beslutet är registrerat och bekräftat för %(signed)s. Det väntar på bekräftelse från "
        "%(waiting)s."
    ) % {
        "signed": ", ".join(_agency_label(a) for a in signed),
        "waiting": ", ".join(_agency_label(a) for a in waiting),
    }


@_reason_redirect
@require_http_methods(["GET", "POST"])
def mapping_decide(request, pk):
    mapping, _purpose = _mapping(request, pk)
    title = _("Beslut efter kartläggningen")
    refusal = None
    if not mapping.is_open:
        refusal = _("Kartläggningen är avslutad; beslutet kan inte ändras.")
    elif mapping.first_meeting_on is None:
        refusal = _("Registrera minst ett kartläggningsmöte innan beslutet fattas.")
    if refusal:
        return _form_page(
            request, _mapping_page_context(mapping, title=title, intro=refusal, form=None)
        )
    stored = None
    if request.method == "POST":
        form = MappingDecideForm(request.POST)
        if form.is_valid():
            try:
                current = services.mapping_decide(
                    mapping=mapping,
                    expected_version=form.cleaned_data["version"],
                    request=request,
                    **form.service_data(),
                )
            except services.ConcurrentEditError as exc:
                mapping.refresh_from_db()
                stored = _stored(mapping, form)
                form = _rebind_with_version(form, mapping.version)
                form.add_error(None, exc)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _decided_message(current))
                return redirect("mapping:mapping_detail", pk=mapping.pk)
    else:
        form = MappingDecideForm(initial=MappingDecideForm.initial_for(mapping))
    intro = _(
        "Beslutet fattas av båda myndigheterna tillsammans och gäller när både "
        "Försäkringskassan och Arbetsförmedlingen har bekräftat det. När du registrerar beslutet "
        "bekräftar du det samtidigt för din myndighet. Väljer ni aktiva insatser i samarbete "
        "öppnas ärendet när båda har bekräftat; ange då målgrupp, fas och datum för ärendet."
    )
    if mapping.decision_pending:
        intro = " ".join([str(intro), _("Ändrar du beslutet tas de tidigare bekräftelserna bort.")])
    return _form_page(
        request,
        _mapping_page_context(
            mapping,
            title=title,
            intro=intro,
            form=form,
            stored=stored,
            submit_label=_("Registrera beslutet"),
        ),
    )


def _signed_message(mapping: JointMapping, agency: str) -> str:
    if not mapping.is_open:
        return _("Beslutet är bekräftat av båda myndigheterna och kartläggningen är avslutad.")
    other = AgencyCode.AF if agency == AgencyCode.FK else AgencyCode.FK
    return _("Beslutet är bekräftat för %(agency)s. Det väntar på bekräftelse från %(other)s.") % {
        "agency": _agency_label(agency),
        "other": _agency_label(other),
    }


@_reason_redirect
@require_http_methods(["GET", "POST"])
def mapping_sign(request, pk):
    mapping, _purpose = _mapping(request, pk)
    form = _bound(request, MappingSignForm, initial={"version": mapping.version})
    if request.method == "POST" and form.is_valid():
        try:
            current = services.mapping_sign(
                mapping=mapping, expected_version=form.cleaned_data["version"], request=request
            )
        except services.ConcurrentEditError:
            mapping.refresh_from_db()
            form = _rebind_with_version(form, mapping.version)
            form.add_error(
                None,
                _(
                    "Beslutet har ändrats sedan du öppnade sidan. Inget är bekräftat: läs "
                    "igenom beslutet nedan och bekräfta igen."
                ),
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            if current.case_id:
                messages.success(
                    request,
                    _(
                        "Beslutet är bekräftat av båda myndigheterna. Ärendet är öppnat och "
                        "kartläggningen är avslutad."
                    ),
                )
                return redirect("cases:case_detail", pk=current.case_id)
            messages.success(request, _signed_message(current, scope_for(request.user).agency_code))
            return redirect("mapping:mapping_detail", pk=mapping.pk)
    refusal = _sign_refusal(request.user, mapping)
    agency = scope_for(request.user).agency_code
    return render(
        request,
        "mapping/mapping_sign.html",
        {
            **_mapping_page_context(mapping, title=_("Bekräfta beslutet")),
            "mapping": mapping,
            "decision": _decision_summary(mapping),
            "form": form,
            "refusal": refusal,
            "agency_label": _agency_label(agency) if agency in AgencyCode.values else "",
        },
    )


# --- meetings ---------------------------------------------------------------------------------


@_reason_redirect
@require_http_methods(["GET", "POST"])
def mapping_meeting_create(request, pk):
    mapping, _purpose = _mapping(request, pk)
    title = _("Registrera kartläggningsmöte")
    if not mapping.is_open:
        return _form_page(
            request,
            _mapping_page_context(
                mapping,
                title=title,
                intro=_("Kartläggningen är avslutad; registrera mötet på personen."),
                form=None,
            ),
        )
    form = _bound(request, MeetingCreateForm, default_kind=Meeting.Kind.RECONCILIATION)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_create(
                person=mapping.person, mapping=mapping, request=request, **form.service_kwargs()
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Mötet är registrerat."))
            return redirect("mapping:mapping_detail", pk=mapping.pk)
    return _form_page(
        request,
        _mapping_page_context(
            mapping,
            title=title,
            intro=_(
                "Registrera mötet när det har hållits. Kartläggningens första möte är dess "
                "tidigaste möte, och mötets deltagare läggs till kartläggningens."
            ),
            form=form,
            submit_label=_("Registrera mötet"),
        ),
    )


@_reason_redirect
@require_http_methods(["GET", "POST"])
def person_meeting_create(request, pk):
    person, _purpose = _person(request, pk)
    form = _bound(request, MeetingCreateForm)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_create(person=person, request=request, **form.service_kwargs())
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Mötet är registrerat."))
            return redirect("cases:person_detail", pk=person.pk)
    return _form_page(
        request,
        {
            "title": _("Registrera möte"),
            "subject": person.full_name,
            "intro": _(
                "Ett möte med personen utanför kartläggning och ärende, till exempel ett "
                "kontaktmöte. Möten i en kartläggning eller ett ärende registreras där."
            ),
            "form": form,
            "submit_label": _("Registrera mötet"),
            "cancel_url": reverse("cases:person_detail", args=[person.pk]),
        },
    )


def _meeting_back_url(meeting: Meeting) -> str:
    if meeting.mapping_id:
        return reverse("mapping:mapping_detail", args=[meeting.mapping_id])
    if meeting.case_id:
        return reverse("cases:case_detail", args=[meeting.case_id])
    return reverse("cases:person_detail", args=[meeting.person_id])


@_reason_redirect
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting, _purpose = _meeting(request, pk)
    context = {
        "title": _("Ändra möte"),
        "subject": _("%(meeting)s – %(name)s")
        % {"meeting": meeting, "name": meeting.person.full_name},
        "cancel_url": _meeting_back_url(meeting),
    }
    if meeting.mapping_id and not meeting.mapping.is_open:
        return _form_page(
            request,
            {
                **context,
                "intro": _("Kartläggningen är avslutad; dess möten kan inte ändras."),
                "form": None,
            },
        )
    stored = None
    if request.method == "POST":
        form = MeetingEditForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_update(
                    meeting=meeting,
                    expected_version=form.cleaned_data["version"],
                    data=form.service_data(),
                    request=request,
                )
            except services.ConcurrentEditError as exc:
                meeting.refresh_from_db()
                stored = _stored(meeting, form)
                form = _rebind_with_version(form, meeting.version)
                form.add_error(None, exc)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Mötet är sparat."))
                return redirect(_meeting_back_url(meeting))
    else:
        form = MeetingEditForm(initial=MeetingEditForm.initial_for(meeting))
    intro = ""
    if meeting.mapping_id:
        intro = _(
            "Mötet hör till en gemensam kartläggning: dess första möte och deltagare följer "
            "med ändringen."
        )
    return _form_page(
        request,
        {**context, "intro": intro, "form": form, "stored": stored, "submit_label": _("Spara")},
    )
