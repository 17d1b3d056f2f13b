"""Edits of the same record by two people at once: a case, a joint mapping, an individual plan
and a work plan, each through its service with the version its form carries.

Every change either lands or its writer is refused with `ConcurrentEditError`; a change told
"saved" that the stored record does not hold is a lost update. Afterwards the record's history
has one new entry per saved change, by its writer, and its newest entry is the stored record."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from cases.models import Case, TargetGroup
from cases.services import case_update
from mapping.models import JointMapping, Participant, PlanVersion
from mapping.services import mapping_update, plan_save
from reporting.models import WorkPlan
from reporting.services import work_plan_save

from .world import World
from .writers import CONFLICT, SAVED, Outcome, Writer

POOL = 6  # records of each kind, edited again and again, so versions climb as in use


@dataclass
class Found:
    lost: int = 0  # changes told "saved" that the stored record does not hold
    failures: list[str] | None = None


def _history(model, pk) -> list[Any]:
    return list(model.history.filter(id=pk).order_by("history_date", "history_id"))


class EditKind:
    name = ""
    model: Any = None

    def __init__(self, world: World) -> None:
        self.world = world
        self.records: list[int] = []

    def record(self, rng: random.Random) -> int:
        if len(self.records) < POOL:
            self.records.append(self.make())
        return rng.choice(self.records)

    def make(self) -> int:
        raise NotImplementedError

    def writers(self) -> tuple[Any, Any]:
        return self.world.fk, self.world.af

    def read(self, pk) -> int:
        return self.model.objects.get(pk=pk).version

    def stored(self, pk) -> dict:
        record = self.model.objects.get(pk=pk)
        return {name: getattr(record, name) for name in self.fields}

    def history(self, pk) -> list[tuple[Any, dict]]:
        """(who, the values of `fields`) of every change kept, oldest first."""
        return [
            (entry.history_user_id, {name: getattr(entry, name) for name in self.fields})
            for entry in _history(self.model, pk)
        ]

    def writer(self, pk, who, rng: random.Random, tag: str) -> Writer:
        values = self.values(who, rng, tag)
        context = self.world.context(who)

        def write(version):
            return self.write(pk, version, values, context)

        return Writer(read=lambda: self.read(pk), write=write, who=who, values=values)


class CaseEdit(EditKind):
    name = "ärende"
    model = Case
    fields = ("fk_notes", "af_notes", "target_group")

    def make(self):
        return self.world.case().pk

    def values(self, who, rng, tag):
        notes = "fk_notes" if who == self.world.fk else "af_notes"
        values = {notes: f"Anteckning {tag}"}
        if rng.random() < 0.5:
            values["target_group"] = rng.choice(TargetGroup.values)
        return values

    def write(self, pk, version, values, context):
        return case_update(
            case=Case(pk=pk), expected_version=version, data=values, context=context,
            today=self.world.today,
        )  # fmt: skip


class MappingEdit(EditKind):
    name = "kartläggning"
    model = JointMapping
    fields = ("rough_plan", "initiation_reason", "participants")

    def make(self):
        return self.world.mapping().pk

    def values(self, who, rng, tag):
        values = {rng.choice(("rough_plan", "initiation_reason")): f"Text {tag}"}
        if rng.random() < 0.5:
            values["participants"] = sorted(
                rng.sample(Participant.values, rng.randint(1, 3)), key=Participant.values.index
            )
        return values

    def write(self, pk, version, values, context):
        return mapping_update(
            mapping=JointMapping(pk=pk), expected_version=version, data=values,
            context=context, today=self.world.today,
        )  # fmt: skip


class PlanEdit(EditKind):
    """The individual plan: each save a new version, the rows its history."""

    name = "individuell plan"
    model = PlanVersion
    fields = ("goal", "activities", "start_date", "end_date")

    def make(self):
        return self.world.case().pk  # a case with its first plan

    def read(self, pk) -> int:
        latest = PlanVersion.objects.filter(case=pk).order_by("-version").first()
        return latest.version if latest else 0

    def stored(self, pk) -> dict:
        return self.history(pk)[-1][1]

    def history(self, pk):
        return [
            (plan.created_by_id, {name: getattr(plan, name) for name in self.fields})
            for plan in PlanVersion.objects.filter(case=pk).order_by("version")
        ]

    def values(self, who, rng, tag):
        start = self.world.ago(rng.randint(0, 30)) if rng.random() < 0.5 else None
        end = self.world.ago(-rng.randint(30, 90)) if rng.random() < 0.5 else None
        return {
            "goal": f"Mål {tag}",
            "activities": f"Aktiviteter {tag}",
            "start_date": start,
            "end_date": end,
        }

    def write(self, pk, version, values, context):
        return plan_save(case=Case(pk=pk), expected_version=version, context=context, **values)


class WorkPlanEdit(EditKind):
    name = "arbetsplan"
    model = WorkPlan
    fields = ("planned_inflow", "goal_average_days", "deviation_tolerance_percent")

    def make(self):
        return self.world.work_plan().pk

    def writers(self):
        return tuple(self.world.coordinators)

    def values(self, who, rng, tag):
        values = {"planned_inflow": [rng.randint(0, 99_999) for _month in range(12)]}
        if rng.random() < 0.5:
            values["goal_average_days"] = rng.randint(1, 365)
        if rng.random() < 0.5:
            values["deviation_tolerance_percent"] = rng.randint(0, 100)
        return values

    def write(self, pk, version, values, context):
        plan = WorkPlan.objects.select_related("area").get(pk=pk)
        return work_plan_save(
            area=plan.area, year=plan.year, data=values, expected_version=version,
            context=context,
        )  # fmt: skip


KINDS = (CaseEdit, MappingEdit, PlanEdit, WorkPlanEdit)


def edit_pair(kind: EditKind, writers, rng: random.Random, number: int) -> tuple[list, Found]:
    """Two people save the same record at once; what they were told and what was found."""
    pk = kind.record(rng)
    before = len(kind.history(pk))
    first, second = kind.writers()
    if rng.random() < 0.5:
        first, second = second, first
    outcomes = writers.pair(
        kind.writer(pk, first, rng, f"{number}a"), kind.writer(pk, second, rng, f"{number}b")
    )
    return outcomes, check_edit(kind, pk, before, outcomes)


def check_edit(kind: EditKind, pk, before: int, outcomes: list[Outcome]) -> Found:
    found = Found(failures=[])
    for outcome in outcomes:
        if outcome.kind not in (SAVED, CONFLICT):
            found.failures.append(f"{outcome.kind}: {outcome.detail}")
    saved = [outcome for outcome in outcomes if outcome.saved]
    if not saved:
        found.failures.append("ingen av två som läste samma version fick spara")
    stored = kind.stored(pk)
    for outcome in saved:
        if any(stored[name] != value for name, value in outcome.writer.values.items()):
            found.lost += 1
    history = kind.history(pk)
    added = history[before:]
    if len(added) != len(saved):
        found.failures.append(f"historiken fick {len(added)} poster för {len(saved)} sparade")
    if sorted(who for who, _values in added) != sorted(o.writer.who.pk for o in saved):
        found.failures.append("historiken anger inte de som sparade")
    if history and history[-1][1] != stored:
        found.failures.append("historikens senaste post är inte det sparade")
    return found
