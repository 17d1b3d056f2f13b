"""Reads of people and cases. Everything here starts from `visible_to(user)` (accounts.scoping)."""

from __future__ import annotations

import datetime as dt
import functools

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.scoping import scope_for
from samverkan.kept import Marked, kept

from .models import Case, Person
from .validators import parse_identity_number

# A case stays on the officers' caseload this long after it ended: the closing documentation is
# due within 21 days (SPEC §3 rule 5), so the team still works with the person for a while.
CASELOAD_AFTER_END_DAYS = 30


def person_list_visible_to(*, user) -> QuerySet[Person]:
    return Person.objects.visible_to(user)


def case_list_visible_to(*, user) -> QuerySet[Case]:
    return Case.objects.visible_to(user).select_related(
        "person", "area", "fk_officer", "af_officer", "fk_office", "af_office"
    )


def team_user_ids(user) -> set[int]:
    """The user and the members of the user's teams (SPEC §2: a team shares its caseload).

    Read once per request: one page asks it several times (its list, the caseload check of the
    person opened, the navigation's to-do count), so it is kept on the user object beside the
    scope it was read for (accounts.scoping.scope_for) and read again with a new scope."""
    from accounts.models import StaffProfile

    scope = scope_for(user)
    cached = getattr(user, "_samverkan_team_user_ids", None)
    if cached is not None and cached[0] is scope:
        return set(cached[1])
    ids = {user.pk}
    if scope.team_ids:
        ids |= set(
            StaffProfile.objects.filter(teams__in=scope.team_ids).values_list("user_id", flat=True)
        )
    user._samverkan_team_user_ids = (scope, frozenset(ids))
    return ids


def caseload_cases(*, user, team: bool = True) -> QuerySet[Case]:
    """The user's (and their teams') cases: open, or ended in the last 30 days."""
    officer_ids = team_user_ids(user) if team else {user.pk}
    recent = timezone.localdate() - dt.timedelta(days=CASELOAD_AFTER_END_DAYS)
    return (
        case_list_visible_to(user=user)
        .filter(Q(fk_officer_id__in=officer_ids) | Q(af_officer_id__in=officer_ids))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=recent))
    )


def case_list_on_caseload(*, user) -> QuerySet[Case]:
    """What lists show: the whole area for area-wide roles, otherwise the own and team's
    caseload. Anyone else of the area is reached one at a time, with a reason (SPEC §7)."""
    if scope_for(user).area_wide:
        return case_list_visible_to(user=user)
    return caseload_cases(user=user)


# --- the caseload: who may be opened without a stated reason (SPEC §7) -------------------------
#
# The one definition. The worklist's search, the person list of the pages and the API, the
# mapping API's lists, every export, break-the-glass (`person_relation`) and the access log's
# "outside caseload" mark all read it, so a list shows exactly the people whose details open
# without a reason. In order of precedence, the reasons are:


def _caseload_reasons(user) -> list[tuple[str, Q]]:
    """(reason, condition on Person) for an officer; the first that holds names the access."""
    team = team_user_ids(user)
    # An open joint mapping is work in hand for its officers and their teams, and for whoever
    # requested it (SPEC §4). Read through the mapping's relation to the person, in one filter
    # so that "open" and "the team's" hold for the same mapping.
    open_mapping = Person.objects.filter(
        Q(mappings__ended_on__isnull=True)
        & (
            Q(mappings__fk_officer_id__in=team)
            | Q(mappings__af_officer_id__in=team)
            | Q(mappings__created_by_id__in=team)
        )
    )
    return [
        ("own_caseload", Q(pk__in=caseload_cases(user=user, team=False).values("person_id"))),
        ("team_caseload", Q(pk__in=caseload_cases(user=user).values("person_id"))),
        ("open_mapping", Q(pk__in=open_mapping.values("pk"))),
        # The officer who registered a person works with them until a case is opened.
        (
            "registered_by_user",
            # NOT EXISTS, not NOT IN: an anti-join through the case's person index, where NOT IN
            # over every case made the planner expect a read of the whole table.
            Q(registered_by_id=user.pk) & ~Exists(Case.objects.filter(person_id=OuterRef("pk"))),
        ),
    ]


def person_list_on_caseload(*, user) -> QuerySet[Person]:
    """The people `user` opens without stating a reason: the whole area for area-wide roles;
    for officers their own and their team's cases (open or ended in the last 30 days), the
    people of open joint mappings their team handles or requested, and the people they
    registered who have no case yet."""
    # People purged by retention have no identity left to work with: no list shows them.
    people = person_list_visible_to(user=user).not_purged()
    if scope_for(user).area_wide:
        return people
    condition = Q()
    for _reason, reason_condition in _caseload_reasons(user):
        condition |= reason_condition
    return people.filter(condition)


def person_relation(*, user, person: Person) -> str | None:
    """Why the user may open this person without stating a reason, or None (break the glass):
    the first reason of the caseload that holds, asked in one query.

    Asked on every page about a person. Its SQL is a function of the user, their scope, their
    team's members and the day only (the caseload's 30 days), so it is compiled once per process
    for that key and run with the person's id in the place of a mark (ADR 0032)."""
    scope = scope_for(user)
    if not scope.case_access or person.area_id not in scope.area_ids:
        return None
    if scope.area_wide:
        return "area_wide"
    key = (user.pk, scope, frozenset(team_user_ids(user)), timezone.localdate())
    compiled = kept(_RELATION_SQL, key, lambda: _relation_query(user), most=_RELATION_SQL_KEPT)
    found = compiled.first(person=person.pk)
    if found is None:
        return None
    return next((reason for reason in compiled.names if found[reason]), None)


# Stands for the person's id while the query is compiled (no person has it: ids are positive).
_PERSON_MARK = -434343
_RELATION_SQL: dict = {}  # (user id, scope, team's user ids, day) -> Marked
_RELATION_SQL_KEPT = 4096  # a few thousand officers at most


def _relation_query(user) -> Marked:
    """person_relation's query: each reason of the caseload as a column, in their order."""
    reasons = _caseload_reasons(user)
    return Marked(
        Person.objects.filter(pk=_PERSON_MARK)
        .order_by()
        .annotate(
            **{
                reason: ExpressionWrapper(condition, output_field=BooleanField())
                for reason, condition in reasons
            }
        )
        .values(*[reason for reason, _condition in reasons]),
        person=_PERSON_MARK,
    )


def my_open_cases(*, user) -> QuerySet[Case]:
    return caseload_cases(user=user, team=False).open().order_by("start_date", "id")


class SearchError(ValueError):
    """The query cannot be searched; the message says why, in Swedish."""


MIN_NAME_PART = 2


def person_search(*, user, query: str) -> QuerySet[Person]:
    """Name or a complete personnummer within the user's areas.

    A number matches only whole and valid: a partial number would let anyone work out the rest
    digit by digit. Every name part must have at least two letters."""
    people = person_list_visible_to(user=user)
    query = (query or "").strip()
    if any(ch.isdigit() for ch in query):
        try:
            number = parse_identity_number(query).number
        except ValidationError:
            raise SearchError("Sök på hela personnumret (ÅÅÅÅMMDD-NNNN) eller på namn.") from None
        return people.filter(personnummer=number)
    words = query.split()
    if not words or any(len(word) < MIN_NAME_PART for word in words):
        raise SearchError("Skriv minst två bokstäver i varje del av namnet.")
    for word in words:
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return people


# --- the worklist -----------------------------------------------------------------------------


def worklist_rows(*, user, cases, today: dt.date):
    """Each case with its flags, nearest deadline and its severity, days in samverkan and
    priority groups, sorted by the nearest deadline (cases without one last). Flags follow the
    secrecy rules. A fixed number of queries whatever the number of cases: the cases with their
    people, whether sharing is covered today, their interventions (cases.deadlines.
    with_intervention_facts) and the facts of the layer above (cases.flags.with_case_facts) in
    one, the rule sets and the suggestions marked not relevant in one each. The worklist asks it
    for the rows it shows only (cases.worklist_query)."""
    from .flags import with_flag_inputs
    from .secrecy import shares_on

    # The people come along (sorting by name, the young priority); the officers only for the
    # rows shown (`with_officers`).
    cases = list(
        with_flag_inputs(cases.select_related(None).select_related("person"), today=today).annotate(
            shares_today=shares_on(today, "person_id")
        )
    )
    rows = worklist_rows_of(user=user, cases=cases, today=today)
    rows.sort(key=lambda r: (r["deadline"] is None, r["deadline"] or dt.date.max, r["case"].pk))
    return rows


def worklist_rows_of(*, user, cases: list, today: dt.date) -> list[dict]:
    """The rows of `worklist_rows` for cases read with their facts and `shares_today`, in the
    order given; the rule sets and the suggestions marked not relevant in one query each."""
    from .flag_rules import days_in_samverkan
    from .flag_terms import PyTerms
    from .flags import (
        OVERDUE,
        benefit_ends_priority,
        case_flag_inputs,
        case_flags,
        is_young,
        nearest_due,
        rules_for,
    )
    from .models import RuleSet
    from .secrecy import agency_details_hidden

    sets = RuleSet.all_sets()
    agency_code = scope_for(user).agency_code
    inputs = case_flag_inputs(cases, today=today)
    rows = []
    for case in cases:
        rules = rules_for(case, sets)
        hidden = agency_details_hidden(agency_code=agency_code, shares=case.shares_today)
        flags = case_flags(case, today=today, rules=rules, hidden=hidden, **inputs[case.pk])
        due = nearest_due(flags)
        rows.append(
            {
                "case": case,
                "flags": flags,
                "deadline": due.deadline if due else None,
                "deadline_level": due.level if due else None,
                "overdue": any(flag.level == OVERDUE for flag in flags),
                # days in samverkan: to today, or to the end of a closed case
                "days": days_in_samverkan(PyTerms(today=today, case=case)),
                "young": is_young(case, rules, today),
                "benefit_ends": (
                    None
                    if "benefit_ends_priority" in hidden
                    else benefit_ends_priority(case, rules)
                ),
            }
        )
    return rows


def with_officers(cases: list) -> None:
    """The officers of the cases shown, both agencies' in one query (worklist_rows leaves them
    out). Its SQL is made once per process: the list asks it on every page."""
    from django.db import connection

    ids = sorted({pk for case in cases for pk in (case.fk_officer_id, case.af_officer_id) if pk})
    users = {}
    if ids:
        loaded, sql = _officers_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, [ids])
            for row in cursor.fetchall():
                user = loaded.load(row)
                users[user.pk] = user
    for case in cases:
        case.fk_officer = users.get(case.fk_officer_id)
        case.af_officer = users.get(case.af_officer_id)


@functools.cache
def _officers_sql():
    """The users whose ids are the one param, read as the ORM reads them (cases.kept_sql)."""
    from django.contrib.auth import get_user_model

    from .kept_sql import Loaded

    model = get_user_model()
    loaded = Loaded(model, "u")
    table, pk = model._meta.db_table, model._meta.pk.column
    return loaded, f'SELECT {loaded.columns} FROM {table} u WHERE u."{pk}" = ANY(%s)'  # noqa: S608


def caseload_by_officer(*, area_ids, today: dt.date):
    """Open cases per officer of the areas against the norm per full-time equivalent
    (SPEC §5: 40 per AF officer, 70 per FK officer, from the rule set in force today)."""
    from decimal import Decimal

    from django.db.models import Count, Q

    from accounts.models import StaffProfile

    from .models import RuleSet

    rules = RuleSet.for_date(today)
    profiles = (
        StaffProfile.objects.filter(areas__in=area_ids, role__is_officer=True)
        .select_related("user", "agency")
        .distinct()
        .annotate(
            fk_open=Count(
                "user__fk_cases",
                filter=~Q(user__fk_cases__phase="closed") & Q(user__fk_cases__area__in=area_ids),
                distinct=True,
            ),
            af_open=Count(
                "user__af_cases",
                filter=~Q(user__af_cases__phase="closed") & Q(user__af_cases__area__in=area_ids),
                distinct=True,
            ),
        )
        .order_by("agency__code", "user__last_name", "user__first_name")
    )
    rows = []
    for profile in profiles:
        norm_full = (
            rules.norm_fk if profile.agency and profile.agency.code == "FK" else rules.norm_af
        )
        norm = (Decimal(norm_full) * profile.working_time_share).quantize(Decimal("0.1"))
        open_cases = profile.fk_open + profile.af_open
        rows.append(
            {
                "profile": profile,
                "open": open_cases,
                "norm": norm,
                "per_fte": (Decimal(open_cases) / profile.working_time_share).quantize(
                    Decimal("0.1")
                ),
                "above": open_cases > norm,
            }
        )
    return rows
