"""The to-do list ("Att göra", SPEC §3): what waits for this officer or coordinator, from every
app, each kind one set-based query. The list is read only here; the rules behind each item
live where they always did (the closing documentation's 21 days in the rule set, the levels in
cases.flags, who confirms a mapping decision or a closing document in mapping.services)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scoping import scope_for
from cases.flags import DUE_SOON, INFO, level_for
from cases.models import CLOSING_DOC_DUE, Case, CaseAssignment, Consent, Phase, RuleSet
from cases.selectors import person_list_on_caseload, team_user_ids
from mapping.models import ClosingDocument, JointMapping, PlanVersion
from reporting.models import DeviationAction, QualityReviewItem
from samverkan.kept import kept

from . import follow_through
from .base import Todo
from .base import areas as _areas
from .base import local_day as _local
from .base import name as _name
from .base import officer_agency as _officer_agency

WAITING = "waiting"
OPEN_PHASES = [phase for phase in Phase if phase != Phase.CLOSED]

# The kinds of to-do, in the order the page shows them.
KINDS = {
    "assigned": gettext_lazy("Ärenden som du har fått"),
    "change_requested": gettext_lazy("Beslut som ska ändras"),
    "confirm_decision": gettext_lazy("Beslut att bekräfta"),
    "consent_confirm": gettext_lazy("Samtycken att bekräfta"),
    "closing_doc": gettext_lazy("Slutdokumentation"),
    "closing_doc_confirm": gettext_lazy("Slutdokumentation att bekräfta"),
    "plan_missing": gettext_lazy("Planer före introduktion"),
    "mapping_first_meeting": gettext_lazy("Kartläggningar utan första möte"),
    "employer_follow_up": gettext_lazy("Uppföljning av konsultativt stöd"),
    "unassigned": gettext_lazy("Ärenden utan handläggare"),
    "deviation_action": gettext_lazy("Åtgärder i avvikelserapporter"),
    "quality_review": gettext_lazy("Kvalitetsgranskning"),
    "quality_feedback": gettext_lazy("Återkoppling från kvalitetsgranskning"),
}


# --- each kind: a queryset, and its items --------------------------------------------------


def _decisions_to_confirm(user) -> QuerySet:
    """Decisions waiting for the user's agency, which the user may confirm: theirs by name, or
    without an officer of their agency while the person is on the user's caseload (any officer
    of the agency in the area may then confirm, mapping.services._signer_agency; the list names
    only people the user may open without a stated reason)."""
    agency = _officer_agency(user)
    if agency is None:
        return JointMapping.objects.none()
    own, signed = (
        ("fk_officer_id", "fk_signed_at") if agency == "FK" else ("af_officer_id", "af_signed_at")
    )
    on_caseload = person_list_on_caseload(user=user)
    return JointMapping.objects.filter(
        Q(**{own: user.pk}) | Q(**{f"{own}__isnull": True, "person__in": on_caseload}),
        ~Q(decision=""),
        ended_on__isnull=True,
        change_requested_at__isnull=True,
        area_id__in=scope_for(user).area_ids,
        **{f"{signed}__isnull": True},
    )


def _changes_requested(user) -> QuerySet:
    return JointMapping.objects.filter(
        change_requested_of=user,
        change_requested_at__isnull=False,
        ended_on__isnull=True,
        area_id__in=_areas(user),
    )


def _assigned(user) -> QuerySet:
    """Cases a coordinator gave the user that they have not opened since."""
    return CaseAssignment.objects.filter(
        to_user=user,
        seen_at__isnull=True,
        case__phase__in=OPEN_PHASES,
        case__area_id__in=_areas(user),
    )


def _mappings_without_meeting(user) -> QuerySet:
    return JointMapping.objects.filter(
        Q(fk_officer=user) | Q(af_officer=user),
        ended_on__isnull=True,
        first_meeting_on__isnull=True,
        area_id__in=_areas(user),
    )


def _my_cases(user) -> QuerySet:
    return Case.objects.filter(Q(fk_officer=user) | Q(af_officer=user), area_id__in=_areas(user))


def _plans_missing(user) -> QuerySet:
    has_plan = Exists(PlanVersion.objects.filter(case=OuterRef("pk")))
    return _my_cases(user).filter(phase=Phase.NEEDS_ANALYSIS).exclude(has_plan)


def _closing_docs(user) -> QuerySet:
    """Ended cases of mine whose closing documentation is due (cases.models.CLOSING_DOC_DUE),
    unless it waits for FK's confirmation (then it is on the FK officer's list below)."""
    sent = Exists(ClosingDocument.objects.awaiting_confirmation().filter(case=OuterRef("pk")))
    return _my_cases(user).filter(CLOSING_DOC_DUE).exclude(sent)


def _consents(user) -> QuerySet:
    agency = _officer_agency(user)
    if agency is None:
        return Consent.objects.none()
    return Consent.objects.awaiting_confirmation_by(agency).filter(
        person__in=person_list_on_caseload(user=user)
    )


def _unassigned(user) -> QuerySet:
    """For a coordinator: the open cases of their areas that lack an officer of either agency."""
    scope = scope_for(user)
    if not scope.is_coordinator:
        return Case.objects.none()
    return (
        Case.objects.filter(area_id__in=scope.area_ids)
        .exclude(phase=Phase.CLOSED)
        .filter(Q(fk_officer__isnull=True) | Q(af_officer__isnull=True))
    )


def _deviation_actions(user) -> QuerySet:
    return DeviationAction.objects.filter(owner_user=user, done_on__isnull=True)


def _quality_items(user) -> QuerySet:
    """Drawn cases the user is named to review (the coordinator, or an expert of the area)."""
    return QualityReviewItem.objects.filter(
        reviewer=user, reviewed_on__isnull=True, review__area_id__in=_areas(user)
    )


QUERIES = {
    "assigned": _assigned,
    "change_requested": _changes_requested,
    "confirm_decision": _decisions_to_confirm,
    "consent_confirm": _consents,
    "closing_doc": _closing_docs,
    "closing_doc_confirm": follow_through.closing_docs_to_confirm,
    "plan_missing": _plans_missing,
    "mapping_first_meeting": _mappings_without_meeting,
    "employer_follow_up": follow_through.employer_follow_ups,
    "unassigned": _unassigned,
    "deviation_action": _deviation_actions,
    "quality_review": _quality_items,
    "quality_feedback": follow_through.quality_feedback,
}


def todo_count(user) -> int:
    """How many things wait for the user (the navigation's number, on every page): every kind
    counted in one query, a UNION ALL of their rows.

    Building and compiling the thirteen querysets costs tens of milliseconds, where PostgreSQL
    answers in one or two, and the number is asked on every page. The query is a function of
    the user, their scope, their team's members and the day only (the builders put nothing else
    read from the data into the SQL: the rows are counted by the query, not before it), so its
    SQL is kept per process for that key and the next page runs it at once; a changed scope or
    team, or a new day, is a new key."""
    key = (user.pk, scope_for(user), frozenset(team_user_ids(user)), timezone.localdate())
    # A few thousand officers at most.
    sql, params = kept(_COUNT_SQL, key, lambda: _count_sql(user), most=_COUNT_SQL_KEPT)
    if not sql:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


_COUNT_SQL: dict = {}  # (user id, scope, team's user ids, day) -> (SQL, parameters)
_COUNT_SQL_KEPT = 4096


def _count_sql(user) -> tuple[str, tuple]:
    """The count's SQL and parameters ("" when every kind is empty for the user)."""
    one = Value(1, output_field=IntegerField())
    first, *rest = (query(user).order_by().values_list(one) for query in QUERIES.values())
    try:
        sql, params = first.union(*rest, all=True).query.sql_with_params()
    except EmptyResultSet:
        return "", ()
    return f"SELECT COUNT(*) FROM ({sql}) AS todo", params  # noqa: S608 (compiled by the ORM)


def todo_items(user, *, today: dt.date) -> dict[str, list[Todo]]:
    """Every kind's items, most urgent first: {kind: [Todo]} for the kinds with any."""
    rules = RuleSet.for_date(today)
    items: dict[str, list[Todo]] = {}

    def mapping_url(mapping, name="mapping:mapping_detail"):
        return reverse(name, args=[mapping.pk])

    items["assigned"] = [
        Todo(
            "assigned",
            _("Från %(who)s") % {"who": _name(a.by)},
            a.case.person.full_name,
            reverse("cases:case_detail", args=[a.case_id]),
            INFO,
            since=_local(a.at),
            logged=a.case,
        )
        for a in _assigned(user).select_related("case__person", "by").order_by("at")
    ]
    items["change_requested"] = [
        Todo(
            "change_requested",
            _("%(who)s ber om ändring: %(reason)s")
            % {"who": _name(m.change_requested_by), "reason": m.change_request_reason},
            _("Kartläggning – %(name)s") % {"name": m.person.full_name},
            mapping_url(m, "mapping:mapping_decide"),
            DUE_SOON,
            since=_local(m.change_requested_at),
            logged=m,
        )
        for m in _changes_requested(user).select_related("person", "change_requested_by")
    ]
    items["confirm_decision"] = [
        Todo(
            "confirm_decision",
            _("Beslut: %(decision)s") % {"decision": m.get_decision_display()},
            _("Kartläggning – %(name)s") % {"name": m.person.full_name},
            mapping_url(m, "mapping:mapping_sign"),
            DUE_SOON,
            since=m.decision_date,
            logged=m,
        )
        for m in _decisions_to_confirm(user).select_related("person").order_by("decision_date")
    ]
    items["consent_confirm"] = [
        Todo(
            "consent_confirm",
            _("Samtycke till informationsutbyte från %(day)s") % {"day": c.given_on.isoformat()},
            c.person.full_name,
            reverse("cases:person_detail", args=[c.person_id]),
            INFO,
            since=c.given_on,
            logged=c.person,
        )
        for c in _consents(user).select_related("person").order_by("given_on")
    ]
    items["closing_doc"] = follow_through.closing_doc_items(
        _closing_docs(user), user=user, today=today, rules=rules
    )
    items["closing_doc_confirm"] = follow_through.closing_doc_confirm_items(
        user, today=today, rules=rules
    )
    items["plan_missing"] = [
        Todo(
            "plan_missing",
            _("Individuell plan saknas"),
            case.person.full_name,
            reverse("mapping:plan_create", args=[case.pk]),
            INFO,
            since=case.start_date,
            logged=case,
        )
        for case in _plans_missing(user).select_related("person").order_by("start_date")
    ]
    items["mapping_first_meeting"] = [
        Todo(
            "mapping_first_meeting",
            _("Begärd %(day)s") % {"day": m.requested_on.isoformat()}
            if m.requested_on
            else _("Inget möte bokat"),
            _("Kartläggning – %(name)s") % {"name": m.person.full_name},
            mapping_url(m),
            WAITING,
            since=m.request_received_on or m.requested_on,
            logged=m,
        )
        for m in _mappings_without_meeting(user).select_related("person").order_by("requested_on")
    ]
    items["employer_follow_up"] = follow_through.employer_follow_up_items(user, today=today)
    items["unassigned"] = [
        Todo(
            "unassigned",
            _missing_officers(case),
            case.person.full_name,
            reverse("cases:case_edit", args=[case.pk]),
            INFO,
            since=case.start_date or case.referral_date,
            logged=case,
        )
        for case in _unassigned(user).select_related("person").order_by("referral_date", "pk")
    ]
    items["deviation_action"] = [
        Todo(
            "deviation_action",
            action.description,
            str(action.report),
            reverse("reporting:deviation_detail", args=[action.report_id]),
            level_for(action.due_on, today),
            due=action.due_on,
        )
        for action in _deviation_actions(user).select_related("report__area").order_by("due_on")
    ]
    items["quality_review"] = [
        Todo(
            "quality_review",
            _("Granska ärendet (%(review)s)") % {"review": item.review},
            item.case.person.full_name,
            reverse("reporting:quality_review_item", args=[item.pk]),
            INFO,
            since=_local(item.review.drawn_at),
            logged=item.case,
        )
        for item in _quality_items(user)
        .select_related("review__area", "case__person")
        .order_by("review__quarter", "position")
    ]
    items["quality_feedback"] = follow_through.quality_feedback_items(user)
    return {kind: items[kind] for kind in KINDS if items.get(kind)}


def _missing_officers(case) -> str:
    if case.fk_officer_id is None and case.af_officer_id is None:
        return _("Saknar handläggare på båda myndigheterna")
    if case.fk_officer_id is None:
        return _("Saknar personlig handläggare på Försäkringskassan")
    return _("Saknar arbetsförmedlare på Arbetsförmedlingen")
