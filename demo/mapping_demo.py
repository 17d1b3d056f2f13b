"""A demo person's joint mapping (load_demo): requested by FK, and for some met and decided."""

from __future__ import annotations

import datetime as dt

from mapping.services import mapping_create, mapping_decide, meeting_create


def demo_mapping(person, today, *, decided: bool, context) -> None:
    """A joint mapping requested a month ago; with `decided`, met and decided on for active
    support."""
    mapping = mapping_create(
        person=person,
        initiated_by="FK",
        initiation_reason="Sjukpenningdagarna närmar sig sitt slut; pröva aktiva insatser.",
        requested_on=today - dt.timedelta(days=30),
        request_received_on=today - dt.timedelta(days=28),
        benefit="sjukpenning",
        sick_leave_start=today - dt.timedelta(days=300),
        benefit_end_date=today + dt.timedelta(days=160),
        context=context,
    )
    if not decided:
        return
    meeting_create(
        person=person,
        mapping=mapping,
        kind="avstamningsmote",
        on=today - dt.timedelta(days=10),
        participants=["person", "FK", "AF", "healthcare"],
        notes="Gemensam genomgång av förutsättningar för arbete.",
        context=context,
    )
    mapping.refresh_from_db()
    mapping_decide(
        mapping=mapping,
        expected_version=mapping.version,
        decision="joint_active_support",
        decision_reason="Motiverad till arbetsförberedande insatser.",
        decision_date=today - dt.timedelta(days=3),
        case_target_group="sick_unemployed",
        case_phase="referred",
        case_date=today - dt.timedelta(days=2),
        context=context,
    )
