"""A person with something in every table that can hold their identity, and the rule."""

import datetime as dt
import itertools

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from cases.models import (
    Case,
    Consent,
    PhaseTransition,
    Situation,
    StatusCode,
    StatusEntry,
)
from cases.tests.factories import CaseFactory, PersonFactory, make_personnummer
from mapping.models import PlanVersion
from mapping.tests.factories import InterventionFactory, JointMappingFactory, MeetingFactory
from reporting.models import QualityReview, QualityReviewItem
from retention.models import RetentionRule

TODAY = dt.date(2026, 6, 15)
# Three years before TODAY: a case closed on this day closed exactly three years ago.
CUTOFF = dt.date(2023, 6, 15)

_serials = itertools.count(100)
_names = itertools.count(1)

# Names no test data elsewhere uses, so a search of the database finds only this person.
FIRST_NAMES = ["Ximenia", "Quorabella", "Zelmatrud", "Yggdrasina", "Wolfhilda", "Vexiana"]
LAST_NAMES = ["Qvarnfeldt", "Zyrbäck", "Xanderholm", "Wrangelöv", "Yxmark", "Vindquisth"]


@pytest.fixture
def rule(db):
    found, _ = RetentionRule.objects.get_or_create(
        valid_from=dt.date(2010, 1, 1),
        defaults={"years_after_close": 3, "years_without_activity": 3},
    )
    return found


@pytest.fixture
def status_code(db):
    return StatusCode.objects.get_or_create(
        code="retention-test", defaults={"name": "Arbete", "outcome_category": "work_unsubsidised"}
    )[0]


def identity_of(person) -> list[str]:
    """Every form the person's identity could be written in."""
    pnr = person.personnummer
    return [
        pnr,
        pnr[2:],
        f"{pnr[:8]}-{pnr[8:]}",
        f"{pnr[2:8]}-{pnr[8:]}",
        person.first_name,
        person.last_name,
    ]


def make_person(area, *, birth=dt.date(1975, 3, 4)):
    n = next(_names)
    return PersonFactory(
        area=area,
        personnummer=make_personnummer(birth, serial=next(_serials)),
        first_name=f"{FIRST_NAMES[n % len(FIRST_NAMES)]}{n}",
        last_name=f"{LAST_NAMES[n % len(LAST_NAMES)]}{n}",
        phone="070-1234567",
        email=f"deltagare{n}@example.se",
        street_address="Storgatan 1",
        postal_code="12345",
        city="Huddinge",
    )


def make_full_person(area, officer, status_code, *, closed_on: dt.date | None):
    """A person with a case (closed on `closed_on`, or open when None) and a row with their
    name and personnummer in every free-text field of every table that belongs to them."""
    person = make_person(area)
    text = " ".join(identity_of(person))
    Consent.objects.create(
        person=person,
        given_on=dt.date(2019, 1, 10),
        covers_follow_up=True,
        covers_sharing=True,
        legal_basis=text,
        recorded_by=officer,
    )
    StatusEntry.objects.create(
        person=person, date=dt.date(2019, 1, 15), code=status_code, note=text
    )
    start = dt.date(2019, 2, 1)
    case = CaseFactory(
        person=person,
        fk_officer=officer,
        referral_date=dt.date(2019, 1, 20),
        start_date=start,
        phase=Case.Phase.CLOSED if closed_on else Case.Phase.NEEDS_ANALYSIS,
        end_date=closed_on,
        exit_reason="completed" if closed_on else "",
        fk_notes=text,
        af_notes=text,
        target_group="sick_unemployed",
    )
    PhaseTransition.objects.create(
        case=case, from_phase="referred", to_phase="needs_analysis", date=start, note=text
    )
    Situation.objects.create(case=case, moment="start", employer_orgnr=person.personnummer[2:])
    mapping = JointMappingFactory(
        person=person,
        requested_on=dt.date(2019, 1, 2),
        initiation_reason=text,
        rough_plan=text,
        decision_reason=text,
    )
    MeetingFactory(person=person, mapping=mapping, date=dt.date(2019, 1, 5), notes=text)
    PlanVersion.objects.create(case=case, version=1, goal=text, activities=text, created_by=officer)
    InterventionFactory(case=case, provider_name=text, goal=text, follow_up_notes=text)
    review = QualityReview.objects.create(
        area=area, quarter=dt.date(2019, 4, 1), size=1, seed="abc", drawn_by=officer
    )
    QualityReviewItem.objects.create(review=review, case=case, position=1, findings=text)
    LogEntry.objects.create(
        user=officer,
        content_type=ContentType.objects.get_for_model(person),
        object_id=str(person.pk),
        object_repr=str(person),
        action_flag=CHANGE,
        change_message=text,
    )
    # An edit, so the person's history holds an earlier name too.
    person.first_name = person.first_name + "a"
    person.save()
    person.first_name = person.first_name[:-1]
    person.save()
    return person
