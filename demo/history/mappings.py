"""The demo history's joint mappings (SPEC §4), as rows for demo.history.rows: the
mappings whose decision, active support, opened a case, and those that ended otherwise or are
still under way. Built to pass the services' checks: received after the request, held after it,
decided on or after the first meeting, both agencies' confirmations on the decision day."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from cases.models import Consent, StatusEntry
from mapping.models import JointMapping, Meeting

from .plan import Participant, weekday

if TYPE_CHECKING:
    from .rows import Rows

OTHER_DECISIONS = (
    ("job_seeker_without_joint_support", "Kan söka arbete med Arbetsförmedlingens stöd."),
    ("employer_and_fk_support_only", "Återgång hos arbetsgivaren med stöd av FK."),
    ("no_action", "För sjuk för insatser just nu; ny kontakt om tre månader."),
)


def _signed(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(14)))


def case_mapping(rows: Rows, p: Participant, person, case) -> None:
    """The joint mapping (SPEC §4) whose decision, active support, opened the case on the
    day of the preparation group; both agencies confirmed it."""
    rng = rows.rng
    requested = p.referral - dt.timedelta(days=rng.randint(25, 60))
    received = requested + dt.timedelta(days=rng.randint(0, 4))
    held = weekday(received + dt.timedelta(days=rng.randint(7, 18)))
    participants = ["person", "FK", "AF"]
    if p.target_group == "employed_cannot_return":
        participants.append("employer")
    if rng.random() < 0.4:
        participants.append("healthcare")
    mapping = JointMapping(
        area=p.area,
        person=person,
        initiated_by="FK" if rng.random() < 0.65 else "AF",
        initiation_reason="Behöver arbetslivsinriktat stöd för att komma tillbaka i arbete.",
        requested_on=requested,
        request_received_on=received,
        first_meeting_on=held,
        ended_on=p.referral,
        fk_officer=p.fk_officer,
        af_officer=p.af_officer,
        **rows.offices_for(p.area),
        benefit=p.benefit,
        benefit_end_date=p.benefit_end,
        sick_leave_start=p.sick_leave_start,
        participants=list(participants),  # in the code list's order, as the services keep it
        rough_plan="Behovsanalys och arbetsförberedande insatser, sedan arbetsprövning.",
        decision="joint_active_support",
        decision_reason="Motiverad och bedöms kunna stå till arbetsmarknadens förfogande.",
        decision_date=p.referral,
        case_target_group=p.target_group,
        case_phase="referred",
        case_date=p.referral,
        fk_signed_by=p.fk_officer,
        fk_signed_at=_signed(p.referral),
        af_signed_by=p.af_officer,
        af_signed_at=_signed(p.referral),
        case=case,
    )
    rows.mappings.append(mapping)
    rows.mapping_meetings.append(
        (
            Meeting(
                person=person,
                kind="avstamningsmote",
                date=held,
                participants=participants,
                notes="Gemensam genomgång av förutsättningar för arbete.",
            ),
            mapping,
        )
    )


def other_mapping(rows: Rows, area, month: dt.date, officers: list[tuple]) -> None:
    """A mapping that ended without joint active support, or is still under way."""
    rng, today = rows.rng, rows.today
    requested = weekday(month + dt.timedelta(days=rng.randrange(28)))
    if requested > today:
        return
    age = int(rng.triangular(20, 64, 45))
    sex = "K" if rng.random() < rows.profile.women else "M"
    birth = requested - dt.timedelta(days=365 * age + age // 4 + rng.randrange(0, 360))
    person = rows.person(area, sex, birth)
    consent = None
    if rng.random() < 0.8:
        # In writing, recorded by FK's officer (below), confirmed by AF's long ago.
        consent = Consent(
            person=person,
            given_on=requested,
            covers_sharing=True,
            covers_follow_up=True,
            basis=Consent.Basis.WRITTEN,
        )
        rows.consents.append(consent)
    received = requested + dt.timedelta(days=rng.randint(0, 4))
    held = weekday(received + dt.timedelta(days=rng.randint(7, 18)))
    decided = held + dt.timedelta(days=rng.randint(0, 10))
    fk, af = rng.choice(officers)
    if consent is not None:
        consent.recorded_by = fk
    benefit = rng.choice(("sjukpenning", "sjukpenning", "rehabiliteringspenning", "ingen"))
    mapping = JointMapping(
        area=area,
        person=person,
        initiated_by="FK" if rng.random() < 0.65 else "AF",
        initiation_reason="Lång sjukskrivning; pröva om arbetslivsinriktat stöd behövs.",
        requested_on=requested,
        request_received_on=min(received, today),
        fk_officer=fk,
        af_officer=af,
        **rows.offices_for(area),
        benefit=benefit,
        sick_leave_start=(
            requested - dt.timedelta(days=rng.randint(30, 500)) if benefit != "ingen" else None
        ),
        benefit_end_date=(
            requested + dt.timedelta(days=rng.randint(120, 700)) if benefit != "ingen" else None
        ),
    )
    if held <= today:
        mapping.first_meeting_on = held
        mapping.participants = ["person", "FK", "AF"]
        rows.mapping_meetings.append(
            (
                Meeting(
                    person=person,
                    kind="avstamningsmote",
                    date=held,
                    participants=["person", "FK", "AF"],
                ),
                mapping,
            )
        )
    if decided <= today:
        decision, reason = rng.choice(OTHER_DECISIONS)
        mapping.decision, mapping.decision_reason = decision, reason
        mapping.decision_date = mapping.ended_on = decided
        mapping.fk_signed_by, mapping.af_signed_by = fk, af
        mapping.fk_signed_at = mapping.af_signed_at = _signed(decided)
    rows.mappings.append(mapping)
    if rng.random() < 0.5:
        rows.statuses.append(
            StatusEntry(person=person, date=requested, code=rows.history.codes["openly_unemployed"])
        )
