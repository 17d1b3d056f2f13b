"""The preparation group in the demo (`load_demo`): in each area, last week's session with five
people presented (two admitted, one of them started; two not admitted with their reasons; one
postponed) and its protocol closed, and next week's session with two referred cases waiting.
Written by the product's own services, as the officers would have. Once per area."""

from __future__ import annotations

import datetime as dt

from faker import Faker

from cases.models import Case, Person, Phase
from cases.services import case_open, person_create
from cases.validators import parse_identity_number
from preparation import services
from preparation.models import Decision, Reason, Session
from samverkan.services import AccessContext

DECISIONS = [
    (Decision.ADMITTED, Reason.CRITERIA_MET, "", True),
    (Decision.ADMITTED, Reason.CRITERIA_MET, "", False),
    (
        Decision.NOT_ADMITTED,
        Reason.ORDINARY_SUPPORT,
        "Har en anställning att återgå till; arbetsgivaren och FK planerar återgången.",
        False,
    ),
    (
        Decision.NOT_ADMITTED,
        Reason.DECLINED,
        "Vill vänta med insatser tills behandlingen är klar; kan anmälas igen.",
        False,
    ),
    (Decision.POSTPONED, Reason.MEDICAL_ASSESSMENT, "Läkarutlåtande väntas.", False),
]
NEEDS = [
    "Arbetsprövning inom handeln, stöd i att hitta praktikplats.",
    "Vägledning och kartläggning av arbetsförmåga; vill byta yrke.",
    "",
    "",
    "",
]


def preparation_load(*, area, fk_officer, af_officer, coordinator, today: dt.date) -> None:
    if Session.objects.filter(area=area).exists():
        return
    # Its own generator, so the rest of the demo draws the same people as before.
    fake = Faker("sv_SE")
    fake.seed_instance(f"beredningsgrupp-{area.code}")
    fk, af = AccessContext.for_user(fk_officer), AccessContext.for_user(af_officer)
    held = today - dt.timedelta(days=7)
    past = services.session_create(
        area=area,
        held_on=held,
        group=area.preparation_groups.first(),
        attendees=[fk_officer, af_officer, coordinator],
        other_attendees="Vårdcentralen (rehabkoordinator)",
        context=AccessContext.for_user(coordinator),
        today=today,
    )
    for i, (decision, reason, words, start) in enumerate(DECISIONS):
        case = _referred(fake, area, fk_officer, af_officer, held - dt.timedelta(days=3), fk)
        referral = services.referral_add(session=past, case=case, context=fk)
        services.referral_decide(
            referral=referral,
            expected_version=None,
            decision=decision,
            reason=reason,
            reason_text=words,
            in_target_group="no" if reason == Reason.ORDINARY_SUPPORT else "yes",
            needs=NEEDS[i],
            start_on=held + dt.timedelta(days=3) if start else None,
            context=fk if i % 2 == 0 else af,
            today=today,
        )
    services.session_close(
        session=past,
        expected_version=None,
        context=AccessContext.for_user(coordinator),
        today=today,
    )
    coming = services.session_create(
        area=area,
        held_on=today + dt.timedelta(days=7),
        group=area.preparation_groups.first(),
        attendees=[fk_officer, af_officer],
        context=AccessContext.for_user(coordinator),
        today=today,
    )
    for _ in range(2):
        case = _referred(fake, area, fk_officer, af_officer, today - dt.timedelta(days=1), fk)
        services.referral_add(session=coming, case=case, context=fk)


def _referred(fake, area, fk_officer, af_officer, day, context) -> Case:
    identity = parse_identity_number(fake.ssn(min_age=22, max_age=60, long=True, dash=False))
    person = Person.objects.filter(personnummer=identity.number).first()
    if person is None:
        first = fake.first_name_female() if identity.sex == "K" else fake.first_name_male()
        person = person_create(
            personnummer=identity.number,
            first_name=first,
            last_name=fake.last_name(),
            area=area,
            city=area.name,
            context=context,
        )
    return case_open(
        person=person,
        fk_officer=fk_officer,
        af_officer=af_officer,
        target_group="sick_unemployed",
        phase=Phase.REFERRED,
        referral_date=day,
        benefit="sjukpenning",
        benefit_end_date=day + dt.timedelta(days=300),
        context=context,
    )
