"""Phase transitions and interventions at once: two people move the same case on, start, end or
swap its interventions, open a new one or close the case, each through its service. Either may
be refused; what must never happen is a state the rules forbid (`violations`)."""

from __future__ import annotations

import random

from cases.models import ALLOWED_TRANSITIONS, Case, ExitReason, Phase
from cases.services import case_transition
from mapping.models import ORIENTED_KINDS, PREPARATORY_KINDS, Intervention, Outcome
from mapping.services import (
    intervention_create,
    intervention_end,
    intervention_move,
    intervention_start,
    intervention_update,
)

from .invariants import violations
from .world import CASE_AGE, World
from .writers import ERROR, Writer

SETUPS = (
    # (phase, plan, a running intervention): where the case stands when the two begin
    (Phase.REFERRED, False, False),
    (Phase.NEEDS_ANALYSIS, False, False),
    (Phase.NEEDS_ANALYSIS, True, False),
    (Phase.INTRODUCTION_TRIAL, True, True),
    (Phase.WORK_ORIENTED, True, True),
)


def _day(world: World, rng: random.Random):
    """Mostly the last five weeks (after every phase of a case of the run began), sometimes
    earlier, so that the services' date rules are met and broken both."""
    return world.ago(rng.randint(0, 35) if rng.random() < 0.8 else rng.randint(0, CASE_AGE + 10))


def _case_read(pk):
    return Case.objects.get(pk=pk)


class Ops:
    """The writers one person could be at a case: each reads what its form shows first."""

    def __init__(self, world: World, rng: random.Random, case_pk: int) -> None:
        self.world, self.rng, self.pk = world, rng, case_pk

    def _writer(self, label, who, read, write):
        context = self.world.context(who)
        return Writer(read=read, write=lambda r: write(r, context), who=who, label=label)

    def transition(self, who):
        # Mostly a move the lifecycle allows from where the case stands, sometimes any phase.
        allowed = sorted(ALLOWED_TRANSITIONS[Phase(Case.objects.get(pk=self.pk).phase)])
        to_phase = self.rng.choice(allowed if self.rng.random() < 0.8 else Phase.values)
        on = _day(self.world, self.rng)
        reason = self.rng.choice([value for value, _label in ExitReason.closing_choices()])
        with_version = self.rng.random() < 0.5  # a form's version, or none (a group's decision)

        def write(case, context):
            return case_transition(
                case=case, to_phase=to_phase, on=on, exit_reason=reason,
                expected_version=case.version if with_version else None,
                context=context, today=self.world.today,
            )  # fmt: skip

        return self._writer(f"fas → {to_phase}", who, lambda: _case_read(self.pk), write)

    def close(self, who):
        on = _day(self.world, self.rng)

        def write(case, context):
            return case_transition(
                case=case, to_phase=Phase.CLOSED, on=on, exit_reason=ExitReason.COMPLETED,
                expected_version=case.version, context=context, today=self.world.today,
            )  # fmt: skip

        return self._writer("avsluta ärendet", who, lambda: _case_read(self.pk), write)

    def _one(self, **filters):
        def read():
            return Intervention.objects.filter(case=self.pk, **filters).order_by("id").first()

        return read

    def start(self, who):
        on = _day(self.world, self.rng)

        def write(intervention, context):
            if intervention is None:
                return None
            return intervention_start(
                intervention=intervention, expected_version=intervention.version, on=on,
                context=context, today=self.world.today,
            )  # fmt: skip

        return self._writer("starta insats", who, self._one(start_date__isnull=True), write)

    def end(self, who):
        on, outcome = _day(self.world, self.rng), self.rng.choice(Outcome.values)

        def write(intervention, context):
            if intervention is None:
                return None
            return intervention_end(
                intervention=intervention, expected_version=intervention.version, on=on,
                outcome=outcome, context=context, today=self.world.today,
            )  # fmt: skip

        running = self._one(start_date__isnull=False, end_date__isnull=True)
        return self._writer("avsluta insats", who, running, write)

    def move(self, who):
        on, kind = _day(self.world, self.rng), self.rng.choice(ORIENTED_KINDS)

        def write(intervention, context):
            if intervention is None:
                return None
            return intervention_move(
                intervention=intervention, expected_version=intervention.version, on=on,
                outcome=Outcome.PARTLY_REACHED, kind=kind, provider="AF", hours_per_week=10,
                goal="Pröva arbete.", context=context, today=self.world.today,
            )  # fmt: skip

        running = self._one(start_date__isnull=False, end_date__isnull=True)
        return self._writer("byt insats", who, running, write)

    def create(self, who):
        on = _day(self.world, self.rng)
        kind = self.rng.choice(PREPARATORY_KINDS + ORIENTED_KINDS)

        def write(case, context):
            return intervention_create(
                case=case, kind=kind, provider="FK", hours_per_week=4, goal="Stöd.",
                start_date=on, context=context, today=self.world.today,
            )  # fmt: skip

        return self._writer("ny insats som startat", who, lambda: _case_read(self.pk), write)

    def notes(self, who):
        text = f"Uppföljning {self.rng.randrange(10**9)}"

        def write(intervention, context):
            if intervention is None:
                return None
            return intervention_update(
                intervention=intervention, expected_version=intervention.version,
                data={"follow_up_notes": text}, context=context, today=self.world.today,
            )  # fmt: skip

        return self._writer("anteckna uppföljning", who, self._one(), write)


INTERVENTION_OPS = ("start", "end", "move", "create", "close", "transition", "notes")


def lifecycle_pair(world: World, writers, rng: random.Random, *, interventions: bool):
    """One case set up as SETUPS says (with a planned intervention too), two writers at it."""
    phase, plan, running = rng.choice(SETUPS[2:] if interventions else SETUPS)
    case = world.case(phase, plan=plan, running=running)
    if interventions:
        world.intervention(case, kind=rng.choice(PREPARATORY_KINDS))
    ops = Ops(world, rng, case.pk)
    names = (
        [rng.choice(INTERVENTION_OPS) for _ in range(2)] if interventions else ["transition"] * 2
    )
    people = [world.fk, world.af]
    rng.shuffle(people)
    pair = [getattr(ops, name)(who) for name, who in zip(names, people, strict=True)]
    outcomes = writers.pair(*pair)
    failures = [f"{o.writer.label}: {o.detail}" for o in outcomes if o.kind == ERROR]
    return outcomes, failures + violations(case.pk)
