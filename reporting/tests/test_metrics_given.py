"""Builders for the metrics tests (reporting.metrics): people with a chosen birth date, sex and
consent, cases, status entries and mappings. No tests live here; the test files import these."""

import datetime as dt
import itertools

from cases.models import Consent, StatusCode, StatusEntry
from cases.tests.factories import CaseFactory, PersonFactory, make_personnummer
from mapping.tests.factories import JointMappingFactory

# Far before every date the tests use: a consent in force from then covers any day 365.
LONG_AGO = dt.date(2000, 1, 1)

_serials = itertools.count(1)


def person(
    *,
    area,
    sex: str = "K",
    birth: dt.date = dt.date(1980, 5, 17),
    consent_from: dt.date | None = LONG_AGO,
    consent_withdrawn: dt.date | None = None,
    **fields,
):
    """A person of `area` born on `birth`; the sex follows the number's ninth digit (odd: man)
    as for real numbers. With `consent_from`, a consent covering follow-up from that day."""
    serial = 2 * (next(_serials) % 500) + (1 if sex == "M" else 0)
    someone = PersonFactory(
        area=area, personnummer=make_personnummer(birth, serial=serial), **fields
    )
    assert (someone.sex, someone.birth_date) == (sex, birth)
    if consent_from is not None:
        Consent.objects.create(
            person=someone,
            given_on=consent_from,
            withdrawn_on=consent_withdrawn,
            covers_follow_up=True,
        )
    return someone


def case(*, person, start: dt.date | None, end: dt.date | None = None, **fields):
    """A case of `person` registered on `start` (referred the same day unless told), closed on
    `end` when given. The case's area is the person's unless told."""
    fields.setdefault("referral_date", start)
    if end is not None:
        fields.update(phase="closed", end_date=end, exit_reason="completed")
    return CaseFactory(person=person, start_date=start, **fields)


def status(person, day: dt.date, category: str):
    """A status entry whose code counts as `category` (the codes named as the categories come
    with the migrations: cases.reference_data)."""
    return StatusEntry.objects.create(
        person=person, date=day, code=StatusCode.objects.get(code=category)
    )


def mapping(*, person, first_meeting: dt.date | None, **fields):
    fields.setdefault("requested_on", first_meeting)
    return JointMappingFactory(person=person, first_meeting_on=first_meeting, **fields)
