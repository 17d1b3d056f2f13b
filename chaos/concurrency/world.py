"""The records the concurrent writers work on, made through the services as the pages make them:
one area, its officers of both agencies (in one team, so each case is on both their caseloads)
and two coordinators, and on demand people with cases, mappings, plans and work plans.

`World.today` is the domain day of the whole run; every date the writers choose lies before it."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from accounts.models import Area, Team
from accounts.tests.factories import staff
from cases.models import Case, Person, Phase
from cases.services import case_open, case_transition
from cases.tests.factories import PersonFactory, make_personnummer
from mapping.models import JointMapping
from mapping.services import intervention_create, mapping_create, plan_save
from reporting.models import WorkPlan
from reporting.services import work_plan_save
from samverkan.services import AccessContext

# A case of the run registered this many days ago, its preparation group a week before.
CASE_AGE = 60
INTRODUCTION_AGE = 50  # days ago a case moved on to introduction and trial
RUNNING_AGE = 45  # days ago its running intervention started
WORK_ORIENTED_AGE = 40  # days ago a case moved on to work-oriented support


class World:
    def __init__(self, *, label: str = "cc") -> None:
        self.today = timezone.localdate()
        self.area, _created = Area.objects.get_or_create(
            code=f"{label}-area", defaults={"name": f"Samtidighet {label}"}
        )
        team = Team.objects.create(area=self.area, name=f"Team {label}")
        areas, teams = [self.area], [team]
        self.fk = staff("fk_officer", areas=areas, teams=teams, username=f"{label}.fk")
        self.af = staff("af_officer", areas=areas, teams=teams, username=f"{label}.af")
        self.coordinators = [
            staff("coordinator", areas=areas, username=f"{label}.samordnare{n}") for n in (1, 2)
        ]
        # People numbered on from those already there (another run in the same database).
        self._people = itertools.count(Person.objects.count() + 1)
        self._years = itertools.count(2030)

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def context(self, user) -> AccessContext:
        return AccessContext.for_user(user, purpose="samtidiga ändringar")

    def person(self):
        n = next(self._people)
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=n)
        return PersonFactory(area=self.area, personnummer=make_personnummer(birth, serial=n % 1000))

    def case(self, phase: str = Phase.NEEDS_ANALYSIS, *, plan: bool = True, running=False) -> Case:
        """A case in `phase` (referred, needs analysis, introduction, work-oriented), moved
        there through the case services, with a plan or not, and (`running`) a work-preparatory
        intervention started 45 days ago."""
        by = self.context(self.fk)
        referred = phase == Phase.REFERRED
        case = case_open(
            person=self.person(),
            phase=Phase.REFERRED if referred else Phase.NEEDS_ANALYSIS,
            referral_date=self.ago(CASE_AGE + 7),
            start_date=None if referred else self.ago(CASE_AGE),
            fk_officer=self.fk,
            af_officer=self.af,
            target_group="sick_unemployed",
            context=by,
            today=self.today,
        )
        if plan and not referred:
            plan_save(case=case, goal="Arbete", activities="Arbetsprövning", context=by)
        if phase in (Phase.INTRODUCTION_TRIAL, Phase.WORK_ORIENTED):
            case = case_transition(
                case=case,
                to_phase=Phase.INTRODUCTION_TRIAL,
                on=self.ago(INTRODUCTION_AGE),
                context=by,
                today=self.today,
            )
        if running:
            self.intervention(case, kind="wellness", started=self.ago(RUNNING_AGE))
        if phase == Phase.WORK_ORIENTED:
            case = case_transition(
                case=case,
                to_phase=Phase.WORK_ORIENTED,
                on=self.ago(WORK_ORIENTED_AGE),
                context=by,
                today=self.today,
            )
        return Case.objects.get(pk=case.pk)

    def intervention(self, case: Case, *, kind: str, started: dt.date | None = None):
        """A planned intervention (`started` None) or one that started that day."""
        return intervention_create(
            case=case,
            kind=kind,
            provider="AF",
            hours_per_week=8,
            goal="Orka en regelbunden dag.",
            planned_start=None if started else self.today,
            start_date=started,
            context=self.context(self.af),
            today=self.today,
        )

    def mapping(self) -> JointMapping:
        return mapping_create(
            person=self.person(),
            initiated_by="FK",
            initiation_reason="Behöver stöd tillbaka till arbete.",
            requested_on=self.ago(20),
            fk_officer=self.fk,
            af_officer=self.af,
            context=self.context(self.fk),
            today=self.today,
        )

    def work_plan(self) -> WorkPlan:
        return work_plan_save(
            area=self.area,
            year=next(self._years),
            data={},
            expected_version=0,
            context=self.context(self.coordinators[0]),
        )
