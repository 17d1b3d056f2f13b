"""The preparation group's pages (beredningsgrupp, SPEC §3): the sessions of the user's areas,
one session with the people presented and their decisions, the decision form, the protocol.

The area's officers and coordinators take part (preparation.services.may_take_part); anyone
else gets 403 on the list and 404 for a session (SPEC §7). The people on a session are the
area's, shown to its officers whether or not they are on their own caseload (the group is where
they are presented): each person shown is logged, marked as outside the caseload where so."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scoping import scope_for
from audit.access import get_visible_or_404
from audit.models import AccessLog
from audit.services import access_log_record, access_log_record_many
from cases.models import Case, Phase
from cases.secrecy import fk_facts_visible
from cases.selectors import person_list_on_caseload
from cases.views.pages import form_page
from samverkan.forms import add_service_errors
from samverkan.services import AccessContext
from samverkan.views import bound_form

from . import services
from .forms import ConsultationForm, DecisionForm, ReferralAddForm, SessionForm, SessionNotesForm
from .models import Decision, Referral, Session

PURPOSE = services.PURPOSE


def _scope_or_403(user):
    scope = scope_for(user)
    if not (scope.case_access and scope.area_ids):
        raise PermissionDenied
    return scope


def _sessions(user):
    if not scope_for(user).case_access:
        return Session.objects.none()
    return Session.objects.visible_to(user)


def _session(request, pk) -> Session:
    return get_visible_or_404(
        request=request,
        queryset=_sessions(request.user).select_related("area", "group", "closed_by"),
        pk=pk,
        object_type="session",
    )


def _staff(area_ids):
    """Who can attend: the officers and coordinators of the areas."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_profile__role__case_access=True,
            staff_profile__areas__in=area_ids,
        )
        .select_related("staff_profile__agency")
        .distinct()
        .order_by("staff_profile__agency__code", "last_name", "first_name")
    )


def _referrals(request, session: Session) -> list[Referral]:
    """The session's referrals, logged one entry per person shown."""
    scope = scope_for(request.user)
    today = timezone.localdate()
    referrals = list(
        session.referrals.select_related("person", "case", "session", "decided_by").annotate(
            fk_visible=fk_facts_visible(agency_code=scope.agency_code, day=today)
        )
    )
    # People who have moved to another area are no longer this area's to see.
    referrals = [r for r in referrals if r.person.area_id == session.area_id]
    on_caseload = set(
        person_list_on_caseload(user=request.user)
        .filter(pk__in=[r.person_id for r in referrals])
        .values_list("pk", flat=True)
    )
    access_log_record_many(
        action=AccessLog.Action.VIEW,
        request=request,
        objects=referrals,
        purpose=PURPOSE,
        outside_ids=frozenset(r.person_id for r in referrals) - on_caseload,
    )
    return referrals


@require_http_methods(["GET"])
def session_list(request):
    scope = _scope_or_403(request.user)
    access_log_record(
        action=AccessLog.Action.VIEW, request=request, object_type="session", purpose=PURPOSE
    )
    sessions = (
        _sessions(request.user)
        .select_related("area", "group")
        .annotate(
            presented=Count("referrals"),
            admitted=Count("referrals", filter=Q(referrals__decision=Decision.ADMITTED)),
            not_admitted=Count("referrals", filter=Q(referrals__decision=Decision.NOT_ADMITTED)),
            postponed=Count("referrals", filter=Q(referrals__decision=Decision.POSTPONED)),
            undecided=Count("referrals", filter=Q(referrals__decision="")),
        )
        .order_by("-held_on", "-pk")
    )
    waiting = Case.objects.filter(area_id__in=scope.area_ids, phase=Phase.REFERRED).count()
    return render(
        request,
        "preparation/session_list.html",
        {"sessions": sessions, "waiting": waiting},
    )


@require_http_methods(["GET", "POST"])
def session_create(request):
    scope = _scope_or_403(request.user)
    from accounts.models import Area

    areas = Area.objects.filter(pk__in=scope.area_ids).order_by("name")
    area = areas.first()
    form = bound_form(request, SessionForm, area=area, staff=_staff([area.pk]))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                area=area, context=AccessContext.from_request(request), **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Mötet är skapat. Ta upp de anmälda ärendena."))
            return redirect("preparation:session_detail", pk=session.pk)
    return form_page(
        request,
        {
            "title": _("Nytt möte i beredningsgruppen"),
            "subject": area.name,
            "intro": _("Välj dag och vilka som deltar från Försäkringskassan och AF."),
            "form": form,
            "submit_label": _("Skapa mötet"),
            "cancel_url": reverse("preparation:session_list"),
        },
    )


@require_http_methods(["GET"])
def session_detail(request, pk):
    session = _session(request, pk)
    referrals = _referrals(request, session)
    add_form = consultation_form = None
    if not session.is_closed:
        add_form = ReferralAddForm(area_id=session.area_id, held_on=session.held_on)
        waiting = add_form.fields["case"].queryset.exclude(
            pk__in=[r.case_id for r in referrals if r.case_id]
        )
        add_form.fields["case"].queryset = waiting
        # The names in the list are people shown: logged like the rest of the page.
        access_log_record_many(
            action=AccessLog.Action.VIEW, request=request, objects=list(waiting), purpose=PURPOSE
        )
        consultation_form = ConsultationForm(area_id=session.area_id)
    return render(
        request,
        "preparation/session_detail.html",
        {
            "session": session,
            "referrals": referrals,
            "attendees": list(session.attendees.select_related("staff_profile__agency")),
            "add_form": add_form,
            "consultation_form": consultation_form,
            "undecided": sum(1 for r in referrals if not r.decision),
        },
    )


@require_POST
def referral_add(request, pk):
    """Present a referred case (or AF's consultation): errors come back as messages on the
    session's page, where the two small forms are."""
    session = _session(request, pk)
    if "question" in request.POST:
        form = ConsultationForm(request.POST, area_id=session.area_id)
        values = form.service_data() if form.is_valid() else None
    else:
        form = ReferralAddForm(request.POST, area_id=session.area_id, held_on=session.held_on)
        values = form.cleaned_data if form.is_valid() else None
    if values is None:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect("preparation:session_detail", pk=session.pk)
    try:
        services.referral_add(
            session=session, context=AccessContext.from_request(request), **values
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Personen är upptagen på mötet."))
    return redirect("preparation:session_detail", pk=session.pk)


@require_http_methods(["GET", "POST"])
def session_notes(request, pk):
    session = _session(request, pk)
    staff = _staff([session.area_id])
    initial = {
        "attendees": list(session.attendees.all()),
        "other_attendees": session.other_attendees,
        "notes": session.notes,
        "version": session.version,
    }
    form = bound_form(request, SessionNotesForm, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.session_update(
                session=session,
                expected_version=version,
                data=data,
                context=AccessContext.from_request(request),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Protokollets uppgifter är sparade."))
            return redirect("preparation:session_detail", pk=session.pk)
    return form_page(
        request,
        {
            "title": _("Deltagare och övrigt i protokollet"),
            "subject": str(session),
            "form": form if not session.is_closed else None,
            "submit_label": _("Spara"),
            "cancel_url": reverse("preparation:session_detail", args=[session.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
def referral_decide(request, pk):
    scope = scope_for(request.user)
    referral = get_visible_or_404(
        request=request,
        queryset=Referral.objects.filter(session__in=_sessions(request.user))
        .select_related("session", "session__area", "person", "case")
        .annotate(
            fk_visible=fk_facts_visible(agency_code=scope.agency_code, day=timezone.localdate())
        ),
        pk=pk,
        object_type="referral",
    )
    access_log_record(action=AccessLog.Action.VIEW, request=request, obj=referral, purpose=PURPOSE)
    session = referral.session
    initial = {
        "in_target_group": referral.in_target_group,
        "priority_young": referral.priority_young,
        "priority_benefit_ends": referral.priority_benefit_ends,
        "benefit_months_left": referral.benefit_months_left,
        "needs": referral.needs,
        "version": referral.version,
    }
    form = bound_form(
        request,
        DecisionForm,
        referral=referral,
        show_benefit=referral.fk_visible,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if not referral.fk_visible:
            data["benefit_months_left"] = referral.benefit_months_left
            data["priority_benefit_ends"] = referral.priority_benefit_ends
        try:
            services.referral_decide(
                referral=referral,
                expected_version=version,
                context=AccessContext.from_request(request),
                **data,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Beslutet är registrerat."))
            return redirect("preparation:session_detail", pk=session.pk)
    done = bool(referral.decision) or session.is_closed
    return form_page(
        request,
        {
            "title": _("Bedömning och beslut"),
            "subject": _("%(name)s – %(session)s")
            % {"name": referral.person.full_name, "session": session},
            "intro": referral.question
            or _("Bedöm mot behovskriterierna och besluta om personen ska ingå i samverkan."),
            "form": None if done else form,
            "submit_label": _("Registrera beslutet"),
            "cancel_url": reverse("preparation:session_detail", args=[session.pk]),
        },
    )


@require_POST
def session_close(request, pk):
    session = _session(request, pk)
    try:
        version = int(request.POST.get("version") or 0) or None
    except ValueError:
        version = -1  # not a version anyone read: refused as a conflict
    try:
        services.session_close(
            session=session,
            expected_version=version,
            context=AccessContext.from_request(request),
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Protokollet är justerat."))
    return redirect("preparation:session_detail", pk=session.pk)


@require_http_methods(["GET"])
def protocol(request, pk):
    """The session's protocol as a page to print (or save as PDF from the browser)."""
    session = _session(request, pk)
    referrals = _referrals(request, session)
    return render(
        request,
        "preparation/protocol.html",
        {
            "session": session,
            "referrals": referrals,
            "attendees": list(session.attendees.select_related("staff_profile__agency")),
        },
    )
