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


def hidden_case_fields(*, user, person, on: dt.date | None = None) -> frozenset[str]:
    on = on or dt.date.today()
    agency = scope_for(user).agency_code
    if person.pk and person.shares_between_agencies_on(on):
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
