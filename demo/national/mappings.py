"""The joint mappings (SPEC §4) of the participants: the one whose decision, active support,
opened a case on the day of the preparation group (both agencies confirmed it), and for some an
earlier one that ended without joint support. Registered when requested, then decided and
signed: two rows of history each; the mapping's first meeting, an avstämningsmöte, is a row of
its own."""

from __future__ import annotations

from .copying import NULL
from .draws import between, one_of, within

OTHER_DECISIONS = (
    ("job_seeker_without_joint_support", "Kan söka arbete med Arbetsförmedlingens stöd."),
    ("employer_and_fk_support_only", "Återgång hos arbetsgivaren med stöd av FK."),
    ("no_action", "För sjuk för insatser just nu; ny kontakt om tre månader."),
)
PERSON_FK_AF = '["person", "FK", "AF"]'


class Mappings:
    def __init__(self, ctx, support):
        self.ctx = ctx
        self.meeting = support.meeting

    def case_mapping(self, person: int, c) -> int:
        """The joint mapping whose decision, active support, opened the case on the day of the
        preparation group; both agencies confirmed it."""
        rng = self.ctx.rng
        requested = c.referral - between(rng, 25, 60)
        received = requested + between(rng, 0, 4)
        held = received + between(rng, 7, 18)
        participants = '["person", "FK", "AF"'
        if c.target == "employed_cannot_return":
            participants += ', "employer"'
        if rng.random() < 0.4:
            participants += ', "healthcare"'
        participants += "]"
        return self._mapping(
            person,
            c,
            requested=requested,
            received=received,
            held=held,
            decided=c.referral,
            decision=("joint_active_support", "Motiverad och bedöms kunna delta i insatser."),
            participants=participants,
            benefit=(c.benefit, c.benefit_end, c.sick_leave),
        )

    def earlier_mapping(self, person: int, first, requested: int) -> None:
        """A mapping a year or so before the first case that ended without joint support."""
        rng = self.ctx.rng
        received = requested + between(rng, 0, 4)
        held = received + between(rng, 7, 18)
        self._mapping(
            person,
            first,
            requested=requested,
            received=received,
            held=held,
            decided=held + between(rng, 0, 10),
            decision=one_of(rng, OTHER_DECISIONS),
            participants=PERSON_FK_AF,
            benefit=("sjukpenning", None, requested - between(rng, 30, 500)),
            with_case=False,
        )

    def _mapping(
        self, person, c, *, requested, received, held, decided, decision, participants, benefit,
        with_case=True,
    ) -> int:  # fmt: skip
        ctx, rng = self.ctx, self.ctx.rng
        d, take, batch = ctx.days, ctx.ids.take, ctx.batch
        mapping = take("mapping_jointmapping")
        fk, af = str(c.fk), str(c.af)
        initiated = "FK" if rng.random() < 0.65 else "AF"
        created = d.at(requested, within(rng, 480, 900))
        signed = d.at(decided, 14 * 60)
        code, reason = decision
        benefit_code, benefit_end, sick_leave = benefit
        head = [
            str(mapping),
            str(c.area.id),
            str(person),
            initiated,
            "Behöver arbetslivsinriktat stöd för att komma tillbaka i arbete.",
            d(requested),
            d(received),
            d(held),
            d(decided),
            fk,
            af,
            benefit_code,
            d(benefit_end),
            d(sick_leave),
            participants,
            "Behovsanalys och arbetsförberedande insatser, sedan arbetsprövning.",
            code,
            reason,
            d(decided),
            c.target if with_case else "",
            "referred" if with_case else "",
            d(c.referral) if with_case else NULL,
            fk,
            signed,
            af,
            signed,
            "",
            str(c.id) if with_case else NULL,
            *c.area.offices_of(mapping),
        ]
        batch.add("mapping_jointmapping", *head, "3", fk, created, signed)
        # Registered when requested (nothing decided yet), then decided and signed.
        first = list(head)
        first[7:9] = [NULL, NULL]
        first[16:26] = ["", "", NULL, "", "", NULL, NULL, NULL, NULL, NULL]
        first[27] = NULL
        for values, when, kind in ((first, created, "+"), (head, signed, "~")):
            batch.add(
                "mapping_historicaljointmapping",
                *values,
                fk,
                created,
                str(take("mapping_historicaljointmapping")),
                when,
                NULL,
                kind,
                fk,
            )
        self.meeting(
            person,
            c if with_case else None,
            "avstamningsmote",
            held,
            participants,
            c.fk,
            mapping=mapping,
            notes="Gemensam genomgång av förutsättningar för arbete.",
        )
        return mapping

    # --- situations, plan, interventions, closing documentation ------------------------------
