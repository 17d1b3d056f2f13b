"""Secrecy between the agencies (SPEC §7).

FK's benefit and medical details reach AF staff, and AF's notes reach FK staff, only while the
person's recorded consent or a recorded legal basis covers sharing. Staff of neither agency (e.g.
a coordinator without agency) see neither side's details without it. Every page, export and API
response asks `hidden_case_fields`; forms also keep staff from editing the other agency's fields.
"""

import datetime as dt

from accounts.scoping import scope_for

FK_FIELDS = frozenset(
    {"benefit", "benefit_end_date", "sick_leave_start", "return_unlikely_before_181", "fk_notes"}
)
AF_FIELDS = frozenset({"af_notes"})
# Derived from FK's facts, so hidden with them.
FK_DERIVED = frozenset({"benefit_ends_priority"})


def shares_today_annotation(person: str = "person"):
    """`Exists` of a consent or legal basis covering sharing today, for lists: annotate it as
    `shares_today` and `hidden_case_fields` reads it instead of one query per row."""
    from django.db.models import Exists, OuterRef, Q

    from .models import Consent

    today = dt.date.today()
    return Exists(
        Consent.objects.filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today),
            person_id=OuterRef(f"{person}_id" if person else "pk"),
            given_on__lte=today,
            covers_sharing=True,
        )
    )


def hidden_case_fields(
    *, user, person, on: dt.date | None = None, shares: bool | None = None
) -> frozenset[str]:
    """`shares`: whether sharing is covered on `on`, when the caller already knows it (a list
    annotated with `shares_today_annotation`); otherwise it is looked up."""
    on = on or dt.date.today()
    agency = scope_for(user).agency_code
    if shares is None:
        shares = bool(person.pk) and person.shares_between_agencies_on(on)
    if shares:
        return frozenset()
    hidden = set()
    if agency != "FK":
        hidden |= FK_FIELDS | FK_DERIVED
    if agency != "AF":
        hidden |= AF_FIELDS
    return frozenset(hidden)


def editable_case_fields(*, user) -> frozenset[str]:
    """Each agency records its own facts: FK the benefit facts, AF its notes."""
    agency = scope_for(user).agency_code
    if agency == "FK":
        return FK_FIELDS
    if agency == "AF":
        return AF_FIELDS
    return frozenset()
