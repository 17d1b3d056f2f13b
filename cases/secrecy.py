"""Secrecy between the agencies (SPEC §7), and who is an anonymous participant (SPEC §3).

FK's benefit and medical details reach AF staff, and AF's notes reach FK staff, only while the
person's recorded consent or a recorded legal basis covers sharing, and only once both agencies
have it on record: neither agency can lift the other's secrecy alone, so a consent one agency
records waits for the other's confirmation (`ConsentQuerySet.covering_sharing`,
cases.services.consent_confirm). Staff of neither agency (e.g.
a coordinator without agency) see neither side's details without it. Every page, export and API
response asks this module: Python callers `hidden_case_fields` (one person), SQL callers
`shares_on` / `shares_today_annotation` and `fk_facts_visible` (every row of a query at once).
Both read the same two parts: which agency sees which fields without sharing
(`agency_details_hidden`), and whether sharing is covered on a day (`Consent.objects
.in_force_on(day).covering_sharing()`, cases.models.person). Forms also keep staff from editing
the other agency's fields (`editable_case_fields`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Exists, Q, Value
from django.utils import timezone

from accounts.scoping import scope_for

from .models import Consent

FK_FIELDS = frozenset(
    {"benefit", "benefit_end_date", "sick_leave_start", "return_unlikely_before_181", "fk_notes"}
)
AF_FIELDS = frozenset({"af_notes"})
# Derived from FK's facts, so hidden with them: the priority "benefit ends" (from the benefit's
# end date) and a mapping's time in the sick-leave case (from its first day).
FK_DERIVED = frozenset({"benefit_ends_priority", "sick_leave_band"})


# --- the rule ----------------------------------------------------------------------------------


def agency_details_hidden(*, agency_code: str | None, shares: bool) -> frozenset[str]:
    """The fields hidden from staff of `agency_code` ("FK", "AF", or none: a coordinator
    without agency, a pseudonymised export acting for no agency) when sharing is, or is not,
    covered: each agency sees its own details, the other's only while sharing is covered."""
    if shares:
        return frozenset()
    hidden: set[str] = set()
    if agency_code != "FK":
        hidden |= FK_FIELDS | FK_DERIVED
    if agency_code != "AF":
        hidden |= AF_FIELDS
    return frozenset(hidden)


def shares_on(day, person: str = "person_id") -> Exists:
    """SQL: the outer row's person has a consent or legal basis covering sharing in force on
    `day` (a date or an expression). `person`: the outer row's person id field."""
    return Consent.objects.in_force_on(day).covering_sharing().exists_for(person)


def person_shares_on(person, day: dt.date) -> bool:
    """Python: the same question for one saved person."""
    return person.consents.in_force_on(day).covering_sharing().exists()


# --- Python callers: one person ----------------------------------------------------------------


def shares_today_annotation(person: str = "person"):
    """`Exists` of a consent or legal basis covering sharing today, for lists: annotate it as
    `shares_today` and `hidden_case_fields` reads it instead of one query per row. `person`: the
    outer row's person relation ("person"), or "" when the rows are persons."""
    return shares_on(timezone.localdate(), person=f"{person}_id" if person else "pk")


def hidden_case_fields(
    *, user, person, on: dt.date | None = None, shares: bool | None = None
) -> frozenset[str]:
    """The fields of `person`'s records hidden from `user` on `on` (default: today).

    `shares`: whether sharing is covered on `on`, when the caller already knows it (a list
    annotated with `shares_today_annotation`); otherwise it is looked up."""
    on = on or timezone.localdate()
    if shares is None:
        shares = bool(person.pk) and person_shares_on(person, on)
    return agency_details_hidden(agency_code=scope_for(user).agency_code, shares=shares)


def editable_case_fields(*, user) -> frozenset[str]:
    """Each agency records its own facts: FK the benefit facts, AF its notes."""
    agency = scope_for(user).agency_code
    if agency == "FK":
        return FK_FIELDS
    if agency == "AF":
        return AF_FIELDS
    return frozenset()


# --- SQL callers: every row at once (the exports) --------------------------------------------


def fk_facts_visible(*, agency_code: str | None, day, person: str = "person_id"):
    """SQL boolean: FK's facts about the outer row's person reach staff of `agency_code` on
    `day`, as `hidden_case_fields` decides for one person: always for FK's own staff, for
    everyone else only while sharing is covered."""
    if not agency_details_hidden(agency_code=agency_code, shares=False) & FK_FIELDS:
        return Value(True, output_field=BooleanField())
    return shares_on(day, person=person)


# --- anonymous participants (SPEC §3) ----------------------------------------------------------


def follow_up_consent_on(day, person: str = "person_id") -> Exists:
    """SQL: a consent covering follow-up registration is in force on `day` for the outer
    row's person (Consent.objects.in_force_on, as Person.consents_on)."""
    return Consent.objects.in_force_on(day).covering_follow_up().exists_for(person)


def not_anonymous_on(day, person: str = "person_id", prefix: str = "person__") -> Q:
    """SQL: not an anonymous participant on `day` (SPEC §3, Person.is_anonymous_on): no
    protected identity, and a consent to follow-up registration in force that day. `prefix`
    leads from the outer row to the person ("person__", "case__person__")."""
    return Q(**{f"{prefix}protected_identity": False}) & Q(follow_up_consent_on(day, person))
