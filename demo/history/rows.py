"""The planned demo history written as rows, with bulk_create: people, consents, cases with
their phase transitions, plans, situations, interventions and meetings, and AF status entries
(the joint mappings: demo.history.mappings).

Each row is built to pass the checks the services make (SPEC §3–§4), since bulk_create skips
them: nothing after today, a plan before introduction and trial, interventions within the case,
a mapping's first meeting before its decision, one status entry per person and day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounts.models import OfficeUnit
from cases.models import Case, Consent, EducationLevel, PhaseTransition, Situation, StatusEntry
from cases.models import Person as PersonRow
from mapping.models import Intervention, JointMapping, Meeting, PlanVersion, category_of

from .mappings import case_mapping, other_mapping
from .plan import END_STATUSES, History, Participant, Profile, weekday

WORK_STATUSES = ("work_unsubsidised", "work_subsidised", "education", "self_employed")
EDUCATION = (
    (EducationLevel.PRE_UPPER_SECONDARY, 24),
    (EducationLevel.UPPER_SECONDARY, 44),
    (EducationLevel.POST_SECONDARY, 22),
    (EducationLevel.UNKNOWN, 10),
)
PREPARATORY = ("wellness", "computer_training", "ergonomics", "psychological_support")
ORIENTED = ("work_trial", "guidance", "job_search", "matching", "work_life_introduction")
GOALS = {
    "work_preparatory": "Orka en regelbunden vardag med aktivitet några timmar per dag.",
    "work_oriented": "Pröva arbete och öka tiden stegvis mot en anställning.",
}
PLAN_GOAL = "Arbete eller studier på minst halvtid inom ett år."
PLAN_ACTIVITIES = "Behovsanalys, hälsofrämjande insatser, arbetsprövning, vägledning."


class Rows:
    """The rows of one area, collected per model and written in dependency order."""

    def __init__(self, history: History, profile: Profile):
        self.history = history
        self.rng = history.rng
        self.fake = history.fake
        self.today = history.today
        self.profile = profile
        self.persons: list[PersonRow] = []
        self.consents: list[Consent] = []
        self.cases: list[Case] = []
        self.after_cases: dict[type, list] = {
            PhaseTransition: [],
            PlanVersion: [],
            Situation: [],
            Meeting: [],
        }
        self.preparatory: list[tuple[Intervention, Participant, Case]] = []
        self.statuses: list[StatusEntry] = []
        self.mappings: list[JointMapping] = []
        self.mapping_meetings: list[tuple[Meeting, JointMapping]] = []
        self._offices: dict[int, dict] = {}

    def offices_for(self, area) -> dict:
        """The offices of a case or mapping of the area (SPEC §2): its LFC and its AMO, as the
        services would take them from the officers' profiles."""
        if area.pk not in self._offices:
            units = {unit.kind: unit for unit in OfficeUnit.objects.filter(area=area)}
            self._offices[area.pk] = {"fk_office": units.get("LFC"), "af_office": units.get("AMO")}
        return self._offices[area.pk]

    # --- people -----------------------------------------------------------------------------

    def person(self, area, sex: str, birth: dt.date) -> PersonRow:
        rng, fake = self.rng, self.fake
        abroad = rng.random() < self.profile.born_abroad
        coordination = abroad and rng.random() < 0.05
        person = PersonRow(
            personnummer=self.history.personnummer(birth, sex, coordination),
            is_coordination_number=coordination,
            first_name=fake.first_name_female() if sex == "K" else fake.first_name_male(),
            last_name=fake.last_name(),
            sex=sex,
            birth_date=birth,
            area=area,
            born_abroad=abroad if rng.random() < 0.96 else None,
            education_level=rng.choices(*zip(*EDUCATION, strict=True))[0],
            disability=rng.random() < 0.3 if rng.random() < 0.92 else None,
            phone=fake.phone_number() if rng.random() < 0.7 else "",
            street_address=fake.street_address(),
            postal_code=fake.postcode(),
            city=rng.choice(self.profile.cities),
        )
        self.persons.append(person)
        return person

    def consent(self, person: PersonRow, p: Participant) -> None:
        if p.consent == "none":
            return  # an anonymous participant (SPEC §3): counted in inflow, left out of rates
        withdrawn = p.end if p.consent == "withdrawn" and self.history.closed(p) else None
        # Recorded by FK's officer and long since confirmed by AF (nothing awaits).
        self.consents.append(
            Consent(
                person=person,
                given_on=p.referral - dt.timedelta(days=self.rng.randint(0, 10)),
                withdrawn_on=withdrawn,
                covers_sharing=True,
                covers_follow_up=p.consent != "sharing_only",
                # Every fifth oral, without drawing from the generator (its sequence is kept).
                basis=Consent.Basis.ORAL if len(self.consents) % 5 == 4 else Consent.Basis.WRITTEN,
                recorded_by=p.fk_officer,
            )
        )

    # --- one participation period -----------------------------------------------------------

    def participant(self, p: Participant) -> None:
        rng, today = self.rng, self.today
        person = self.person(p.area, p.sex, p.birth)
        person.protected_identity = p.protected
        self.consent(person, p)
        started, closed = self.history.started(p), self.history.closed(p)
        steps = [("referred", p.referral)]
        if started:
            steps.append(("needs_analysis", p.start))
        for phase, day in (("introduction_trial", p.intro), ("work_oriented", p.oriented)):
            if day and day <= today:
                steps.append((phase, day))
        if closed:
            steps.append(("closed", p.end))
        doc = p.end + dt.timedelta(days=rng.randint(3, 19) if rng.random() < 0.85 else 26)
        case = Case(
            person=person,
            area=p.area,
            fk_officer=p.fk_officer,
            af_officer=p.af_officer,
            **self.offices_for(p.area),
            target_group=p.target_group,
            benefit=p.benefit,
            benefit_end_date=p.benefit_end,
            sick_leave_start=p.sick_leave_start,
            return_unlikely_before_181=p.target_group == "employed_cannot_return",
            phase=steps[-1][0],
            referral_date=p.referral,
            start_date=p.start if started else None,
            end_date=p.end if closed else None,
            exit_reason=p.exit_reason if closed else "",
            closing_doc_date=doc if closed and doc <= today else None,
        )
        self.cases.append(case)
        rows = self.after_cases
        for (before, _), (phase, day) in zip([("", None), *steps], steps, strict=False):
            rows[PhaseTransition].append(
                PhaseTransition(case=case, from_phase=before, to_phase=phase, date=day)
            )
        rows[Meeting].append(
            Meeting(
                person=person,
                case=case,
                kind="beredningsgrupp",
                date=p.referral,
                participants=["FK", "AF"],
            )
        )
        if not started:
            case_mapping(self, p, person, case)
            return
        at_end = self.status_timeline(p, person)
        self.situations(p, case, at_end)
        self.follow_ups(p, person, case)
        self.interventions(p, case)
        if rng.random() < 0.4:
            case_mapping(self, p, person, case)

    def situations(self, p: Participant, case: Case, code: str) -> None:
        """The situation at start and, once closed, at the end (SPEC §3 registration points);
        `code`: the AF status on the end day."""
        rng = self.rng
        employed = p.target_group == "employed_cannot_return"
        self.after_cases[Situation].append(
            Situation(
                case=case,
                moment="start",
                registered_with_af=not employed or rng.random() < 0.3,
                employed=employed,
                studying=False,
                public_support_months=rng.randint(0, 48),
            )
        )
        if not self.history.closed(p):
            return
        working = {"work_unsubsidised": "unsubsidised", "work_subsidised": "subsidised"}
        self.after_cases[Situation].append(
            Situation(
                case=case,
                moment="end",
                registered_with_af=code != "work_unsubsidised",
                employed=code in working,
                own_business=code == "self_employed",
                working=working.get(code, "no"),
                work_share_percent=rng.choice((50, 75, 100)) if code in working else None,
                studying=code == "education",
            )
        )

    def follow_ups(self, p: Participant, person: PersonRow, case: Case) -> None:
        """A follow-up meeting about every four weeks while the case runs (SPEC §5 cadence)."""
        last = min(p.end, self.today)
        day = p.start + dt.timedelta(days=self.rng.randint(14, 28))
        while day <= last:
            self.after_cases[Meeting].append(
                Meeting(
                    person=person,
                    case=case,
                    kind="follow_up",
                    date=day,
                    participants=["person", "FK", "AF"],
                )
            )
            day = weekday(day + dt.timedelta(days=self.rng.randint(21, 35)))

    def interventions(self, p: Participant, case: Case) -> None:
        """Work-preparatory support from introduction and trial, and for some a move to
        work-oriented support (a registration point, SPEC §3), both ending with the case."""
        rng, today = self.rng, self.today
        if not p.intro or p.intro > today:
            return
        closed = self.history.closed(p)
        self.after_cases[PlanVersion].append(
            PlanVersion(
                case=case,
                version=1,
                goal=PLAN_GOAL,
                activities=PLAN_ACTIVITIES,
                start_date=p.intro,
                end_date=p.start + dt.timedelta(days=365),
                created_by=p.fk_officer,
            )
        )
        moved = p.oriented and p.oriented <= today
        end = p.oriented if moved else (p.end if closed else None)
        kind = rng.choice(PREPARATORY)
        prep = Intervention(
            case=case,
            category=category_of(kind),
            kind=kind,
            provider=rng.choice(("AF", "FK", "healthcare", "purchased")),
            hours_per_week=Decimal(rng.choice((4, 6, 8, 10, 15, 20))),
            planned_start=p.intro,
            start_date=p.intro,
            end_date=end,
            goal=GOALS["work_preparatory"],
            outcome=(rng.choice(("goal_reached", "partly_reached")) if end else ""),
            created_by=p.af_officer,
        )
        self.preparatory.append((prep, p, case))

    def work_oriented(self, prep: Intervention, p: Participant, case: Case) -> Intervention:
        """The work-oriented intervention the preparatory one moved to (its `moved_from`)."""
        rng = self.rng
        kind = rng.choice(ORIENTED)
        closed = self.history.closed(p)
        outcome = "goal_reached" if p.in_work else rng.choice(("partly_reached", "not_reached"))
        return Intervention(
            case=case,
            category=category_of(kind),
            kind=kind,
            provider=rng.choice(("AF", "employer", "purchased")),
            hours_per_week=Decimal(rng.choice((10, 15, 20, 25, 30))),
            planned_start=p.oriented,
            start_date=p.oriented,
            end_date=p.end if closed else None,
            goal=GOALS["work_oriented"],
            outcome=outcome if closed else "",
            moved_from=prep,
            created_by=p.af_officer,
        )

    def status_timeline(self, p: Participant, person: PersonRow) -> str:
        """AF's statuses over time (SPEC §3): before and at the start, during work-oriented
        support, at the end, and for some a change long after day 365 (which never changes the
        outcome). The status on day 365 is the one the plan chose. Returns the status on the
        case's (planned) end day."""
        rng, today = self.rng, self.today
        entries: dict[dt.date, str] = {}
        day_365 = p.start + dt.timedelta(days=365)
        if p.target_group != "employed_cannot_return" and rng.random() < 0.5:
            entries[p.referral - dt.timedelta(days=rng.randint(30, 300))] = "openly_unemployed"
        if p.target_group == "employed_cannot_return":
            entries[p.start] = "other"
        else:
            entries[p.start] = rng.choices(
                ("openly_unemployed", "other", "labour_market_programme"), weights=(60, 25, 15)
            )[0]
        if p.oriented and rng.random() < 0.5:
            entries[p.oriented] = "labour_market_programme"
        if p.in_work:
            code = rng.choices(WORK_STATUSES, weights=(45, 25, 22, 8))[0]
            later = (day_365 - p.end).days
            if later >= 30 and rng.random() < 0.2:  # found work a while after the case ended
                entries[p.end] = "openly_unemployed"
                entries[p.end + dt.timedelta(days=rng.randint(14, later))] = code
            else:
                entries[p.end] = code
        else:
            code = rng.choice(END_STATUSES[p.exit_reason])
            entries[p.end] = code
        if rng.random() < 0.35:
            entries[day_365 + dt.timedelta(days=rng.randint(20, 200))] = rng.choice(
                ("openly_unemployed", "work_unsubsidised", "labour_market_programme", "other")
            )
        codes = self.history.codes
        self.statuses.extend(
            StatusEntry(person=person, date=day, code=codes[code])
            for day, code in entries.items()
            if day <= today
        )
        return entries[p.end]

    # --- writing ----------------------------------------------------------------------------

    def write(self) -> dict[str, int]:
        PersonRow.objects.bulk_create(self.persons, batch_size=1000)
        Consent.objects.bulk_create(self.consents, batch_size=1000)
        Case.objects.bulk_create(self.cases, batch_size=1000)
        for model, rows in self.after_cases.items():
            model.objects.bulk_create(rows, batch_size=2000)
        preps = [prep for prep, _, _ in self.preparatory]
        Intervention.objects.bulk_create(preps, batch_size=1000)
        moves = [
            self.work_oriented(prep, p, case)
            for prep, p, case in self.preparatory
            if p.oriented and p.oriented <= self.today
        ]
        Intervention.objects.bulk_create(moves, batch_size=1000)
        StatusEntry.objects.bulk_create(self.statuses, batch_size=2000)
        JointMapping.objects.bulk_create(self.mappings, batch_size=1000)
        for meeting, mapping in self.mapping_meetings:
            meeting.mapping = mapping
        Meeting.objects.bulk_create([m for m, _ in self.mapping_meetings], batch_size=2000)
        return {
            "deltagare": len(self.persons),
            "ärenden": len(self.cases),
            "kartläggningar": len(self.mappings),
            "statusposter": len(self.statuses),
            "möten": len(self.after_cases[Meeting]) + len(self.mapping_meetings),
        }


def rows_write(history: History, profile: Profile, area, people: list[Participant]) -> dict:
    """Write the planned participants of `area`, and the mappings that opened no case (a few
    a month, held by the officers who hold the cases)."""
    rows = Rows(history, profile)
    for p in people:
        rows.participant(p)
    pairs = sorted(
        {(p.fk_officer.pk, p.af_officer.pk): (p.fk_officer, p.af_officer) for p in people}.items()
    )
    officers = [pair for _, pair in pairs]
    per_month = max(2, round(profile.base_inflow * 0.15))
    for month in history.months:
        for _ in range(per_month + history.rng.randint(-1, 1)):
            other_mapping(rows, area, month, officers)
    return rows.write()
