"""The demo history planned in memory: who starts when, how each case runs and ends, who is in
work or education on day 365, and which officer holds each case. Nothing is written here except
the officers a caseload needs (demo.history.rows writes the rest)."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from faker import Faker
from stdnum import luhn

from accounts.models import Area, Role, StaffProfile, Team
from cases.models import Person, RuleSet, StatusCode, TargetGroup
from reporting.targets import SEXES, sexes_below_share_goal
from samverkan.dates import add_days, add_months, age_on

from .days import DaysKept, month_start

SEED = 2012
# Report months shown by the dashboard, and the starts behind them: the day-365 figure of report
# month M is the cohort that started in M−12 (SPEC §5), so 24 report months need 36 months of
# starts.
REPORT_MONTHS = 24
HISTORY_MONTHS = REPORT_MONTHS + 12
# Planned inflow in each calendar month relative to the area's base: quiet summer and Christmas.
SEASON = (1.05, 1.10, 1.05, 1.00, 0.95, 0.90, 0.60, 0.85, 1.15, 1.15, 1.05, 0.80)
# Officers are staffed for this share of the norm, so one heavier load stands out above it.
STAFFING = 0.85


@dataclass(frozen=True)
class Profile:
    base_inflow: int  # new participants in an ordinary month
    women: float  # share of women among them
    born_abroad: float
    # Share in work or education on day 365, before noise, of women and of men: each area's
    # women and men differ in their own way, both above the goal (it holds for each, SPEC §5).
    share_women: float
    share_men: float
    cities: tuple[str, ...]
    share_drift: bool = False  # the last five report months below the goal
    inflow_drift: bool = False  # the last four complete months clearly below the plan
    heavy_af: bool = False  # one AF officer carries half again as much (above the norm)


PROFILES = {
    "sdt": Profile(30, 0.60, 0.34, 0.50, 0.45, ("Huddinge", "Botkyrka", "Haninge"), heavy_af=True),
    "gno": Profile(24, 0.54, 0.45, 0.45, 0.49, ("Göteborg", "Angered"), share_drift=True),
    "ume": Profile(19, 0.63, 0.13, 0.49, 0.46, ("Umeå", "Vännäs", "Holmsund"), inflow_drift=True),
}

# target group, weight, the benefits it comes with
TARGET_GROUPS = (
    (TargetGroup.SICK_UNEMPLOYED, 42, ("sjukpenning", "sjukpenning", "rehabiliteringspenning")),
    (TargetGroup.EMPLOYED_CANNOT_RETURN, 20, ("sjukpenning", "rehabiliteringspenning")),
    (TargetGroup.UNEMPLOYED_SICKNESS_COMP, 16, ("sjukersattning", "tidsbegransad_sjukersattning")),
    (TargetGroup.EXHAUSTED_INSURANCE, 14, ("ingen",)),
)
# Exits of those not in work or education on day 365: reason, weight, days in samverkan, and the
# AF statuses they end with.
OTHER_EXITS = (
    ("completed", 38, (180, 350), ("labour_market_programme", "openly_unemployed")),
    ("too_ill", 20, (30, 270), ("other",)),
    ("benefit_ended", 12, (60, 365), ("openly_unemployed", "labour_market_programme")),
    ("aborted_own_initiative", 12, (20, 200), ("openly_unemployed", "other")),
    ("moved", 6, (30, 300), ("other",)),
    ("other", 12, (30, 300), ("other", "openly_unemployed")),
)
END_STATUSES = {reason: statuses for reason, _, _, statuses in OTHER_EXITS} | {
    "aborted_consent_withdrawn": ("other", "openly_unemployed")
}


@dataclass
class Participant:
    """One person and their one participation period, planned before anything is written."""

    area: Area
    sex: str
    birth: dt.date
    referral: dt.date
    start: dt.date  # planned: after today for someone only referred so far
    target_group: str
    benefit: str
    benefit_end: dt.date | None
    sick_leave_start: dt.date | None
    consent: str  # full, none, sharing_only, withdrawn (at the end of the case)
    protected: bool
    in_work: bool = False  # in work or education on day 365
    end: dt.date = dt.date.max  # planned; after today for a case still running
    exit_reason: str = ""
    intro: dt.date | None = None
    oriented: dt.date | None = None
    fk_officer: object = None
    af_officer: object = None

    @property
    def measured(self) -> bool:
        """Counted in the day-365 outcome (SPEC §3: not anonymous on day 365)."""
        return self.consent == "full" and not self.protected


def weekday(day: dt.date) -> dt.date:
    """The nearest working day in the same month (meetings are not held at weekends)."""
    if day.weekday() < 5:
        return day
    later = day + dt.timedelta(days=7 - day.weekday())
    return later if later.month == day.month else day - dt.timedelta(days=day.weekday() - 4)


class History(DaysKept):
    """The generators (seeded: the same demo every time, relative to today) and the plan."""

    def __init__(self, *, today: dt.date):
        self.today = today
        self.rng = random.Random(SEED)
        self.fake = Faker("sv_SE")
        self.fake.seed_instance(SEED)
        self.codes = {c.code: c for c in StatusCode.objects.all()}
        self.young_max = RuleSet.for_date(today).young_max_age
        self.numbers = set(Person.objects.values_list("personnummer", flat=True))
        self.rule_sets = RuleSet.all_sets()
        # Report months in a row in which women or men (either) were off a goal, per area: the
        # share under it, the average days above it. The deviation check counts a month in which
        # either sex is off (reporting.deviations), so a run is kept per area, not per sex.
        self.months_below: dict[str, int] = {}
        self.months_above: dict[str, int] = {}
        # Who ends in each month, per area: the average days of a month are theirs.
        self.enders: dict[tuple[str, dt.date], list[Participant]] = {}
        this_month = month_start(today)
        self.months = [add_months(this_month, -n) for n in range(HISTORY_MONTHS, -1, -1)]
        self.report_months = [add_months(this_month, -n) for n in range(REPORT_MONTHS, 0, -1)]

    def started(self, p: Participant) -> bool:
        return p.start <= self.today

    def closed(self, p: Participant) -> bool:
        return p.end <= self.today

    def began(self, p: Participant) -> dt.date:
        """As the caseload counts it: the start, else the preparation group."""
        return p.start if self.started(p) else p.referral

    def goals(self, year: int) -> RuleSet:
        """The rule set a work plan of `year` takes its goals from (on 1 January, as
        reporting.services.work_plan_save does; the demo's plans keep them)."""
        return RuleSet.in_force(self.rule_sets, dt.date(year, 1, 1))

    def most_in_a_row(self, month: dt.date) -> int:
        """How many report months in a row, ending with `month`, may be off a goal without the
        monthly job opening a deviation report (one fewer than the rule set's)."""
        return RuleSet.in_force(self.rule_sets, month).deviation_months - 1

    # --- inflow -----------------------------------------------------------------------------

    def planned(self, profile: Profile, month: dt.date) -> int:
        growth = 1 + 0.04 * (month.year - self.months[0].year)
        return round(profile.base_inflow * SEASON[month.month - 1] * growth)

    def actual(self, profile: Profile, month: dt.date) -> int:
        plan = self.planned(profile, month)
        last = self.report_months[-1]
        if profile.inflow_drift and add_months(last, -3) <= month <= last:
            return round(plan * 0.7)  # clearly below the plan, beyond the 10 % tolerance
        # Within plan: never as low as the tolerance, so no deviation opens by chance.
        return max(math.ceil(plan * 0.92), round(plan * self.rng.uniform(0.92, 1.12)))

    # --- people -----------------------------------------------------------------------------

    def personnummer(self, birth: dt.date, sex: str, coordination: bool = False) -> str:
        """A valid, unused number: the date part, a serial whose last digit is odd for men
        and even for women, and the Luhn check digit (a samordningsnummer adds 60 to the day)."""
        day = birth.day + (60 if coordination else 0)
        while True:
            serial = self.rng.randrange(0, 1000)
            serial += (1 if sex == "M" else 0) - serial % 2
            ten = f"{birth:%y%m}{day:02d}{serial:03d}"
            number = f"{birth:%Y%m}{day:02d}{serial:03d}{luhn.calc_check_digit(ten)}"
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def participant(self, area: Area, profile: Profile, start: dt.date) -> Participant:
        rng = self.rng
        sex = "K" if rng.random() < profile.women else "M"
        young = rng.random() < 0.22
        age = rng.randint(19, self.young_max) if young else int(rng.triangular(30, 64, 50))
        birth = start - dt.timedelta(days=365 * age + age // 4 + rng.randrange(0, 360))
        while age_on(birth, start) > age:
            birth += dt.timedelta(days=1)
        if young and rng.random() < 0.45:
            target, benefit = TargetGroup.YOUNG_ACTIVITY_COMP, "aktivitetsersattning"
        else:
            groups = [group for group, _, _ in TARGET_GROUPS]
            target = rng.choices(groups, weights=[w for _, w, _ in TARGET_GROUPS])[0]
            benefit = rng.choice(next(b for g, _, b in TARGET_GROUPS if g == target))
        sick_leave = benefit_end = None
        if benefit in ("sjukpenning", "rehabiliteringspenning"):
            sick_leave = start - dt.timedelta(days=rng.randint(90, 900))
            # Most have six months or more left (SPEC §3 rule 3); a few fewer, and are flagged.
            low, high = (120, 184) if rng.random() < 0.1 else (185, 800)
            benefit_end = start + dt.timedelta(days=rng.randint(low, high))
        elif benefit in ("aktivitetsersattning", "tidsbegransad_sjukersattning"):
            benefit_end = start + dt.timedelta(days=rng.randint(200, 1000))
        # The needs analysis starts within 14 days of the preparation group (rule 1), mostly.
        referral = start - dt.timedelta(days=rng.randint(3, 14) if rng.random() < 0.92 else 16)
        draw = rng.random()
        consent = "none" if draw < 0.05 else "sharing_only" if draw < 0.07 else "full"
        if consent == "full" and draw < 0.10:
            consent = "withdrawn"
        return Participant(
            area=area,
            sex=sex,
            birth=birth,
            referral=weekday(referral),
            start=start,
            target_group=target,
            benefit=benefit,
            benefit_end=benefit_end,
            sick_leave_start=sick_leave,
            consent=consent,
            protected=rng.random() < 0.005,
        )

    def cohort(self, area: Area, profile: Profile, month: dt.date) -> list[Participant]:
        """Everyone whose needs analysis starts in `month` (and, this month, has been presented
        to the preparation group by today)."""
        days = (add_months(month, 1) - month).days
        starts = sorted(
            weekday(month + dt.timedelta(days=self.rng.randrange(days)))
            for _ in range(self.actual(profile, month))
        )
        people = [self.participant(area, profile, start) for start in starts]
        people = [p for p in people if p.referral <= self.today]
        self.outcomes(area, profile, month, people)
        for person in people:
            self.lifecycle(person)
            self.enders.setdefault((area.code, month_start(person.end)), []).append(person)
        # Nobody who starts later ends in `month`: its average days are known now.
        self.days_keep(area, month)
        return people

    def share(
        self, area: Area, profile: Profile, month: dt.date, measured: dict[str, int]
    ) -> dict[str, int]:
        """How many of the `measured` women and men (per sex) starting in `month` are in work or
        education on day 365. Each sex around its own share in the area, now and then under the
        goal, but never three report months in a row with either sex under it (the deviation
        check holds each sex against the goal and counts a month in which either is under,
        SPEC §5), except in the area whose share drifts below the goal, for both sexes, in the
        last five report months."""
        report = add_months(month, 12)
        last = self.report_months[-1]
        goal = self.goals(month.year).goal_share_percent  # the cohort's start year's plan
        floor = {sex: math.ceil(goal * n / 100) for sex, n in measured.items()}
        if profile.share_drift and add_months(last, -4) <= report <= last:
            back = (last.year - report.year) * 12 + last.month - report.month
            return {
                sex: min(round((0.30 + 0.015 * back) * n), max(floor[sex] - 1, 0))
                for sex, n in measured.items()
            }
        level = {"K": profile.share_women, "M": profile.share_men}
        wanted = {
            sex: min(n, max(0, round((level[sex] + self.rng.uniform(-0.08, 0.05)) * n)))
            for sex, n in measured.items()
        }
        if report not in self.report_months:
            return wanted  # not measured yet
        below = self.months_below.get(area.code, 0)
        if below >= self.most_in_a_row(report):
            wanted = {sex: max(n, floor[sex]) for sex, n in wanted.items()}
        verdict = sexes_below_share_goal({sex: (wanted[sex], measured[sex]) for sex in SEXES}, goal)
        self.months_below[area.code] = below + 1 if verdict.off else 0
        return wanted

    def outcomes(
        self, area: Area, profile: Profile, month: dt.date, people: list[Participant]
    ) -> None:
        """Who of the cohort is in work or education on day 365: a set number of the measured
        women and of the measured men, by the area's profile."""
        measured = {sex: [p for p in people if p.measured and p.sex == sex] for sex in SEXES}
        wanted = self.share(area, profile, month, {sex: len(ps) for sex, ps in measured.items()})
        for sex, ps in measured.items():
            for person in self.rng.sample(ps, wanted[sex]):
                person.in_work = True

    def lifecycle(self, p: Participant) -> None:
        """The planned path through the phases (SPEC §3), ending within 365 days of the start
        (rule 2); the case closes when the benefit period ends (rule 6)."""
        rng = self.rng
        if p.consent == "withdrawn":
            p.exit_reason, days = "aborted_consent_withdrawn", rng.randint(30, 200)
        elif p.in_work and rng.random() < 0.85:
            p.exit_reason, days = "completed", int(rng.triangular(150, 365, 280))
        elif p.in_work:  # left for a job before the plan was done
            p.exit_reason, days = "aborted_own_initiative", rng.randint(60, 250)
        else:
            reason, _, (low, high), _ = rng.choices(
                OTHER_EXITS, weights=[e[1] for e in OTHER_EXITS]
            )[0]
            p.exit_reason, days = reason, rng.randint(low, high)
        end = add_days(p.start, min(days, 365))
        if p.benefit_end and add_days(p.start, 60) <= p.benefit_end < end:
            end = p.benefit_end
            if not p.in_work and p.exit_reason != "aborted_consent_withdrawn":
                p.exit_reason = "benefit_ended"
        elif p.exit_reason == "benefit_ended":
            p.exit_reason = "completed"
        p.end = end
        intro = add_days(p.start, rng.randint(10, 35))
        if intro < add_days(end, -10):
            p.intro = intro
            oriented = add_days(intro, rng.randint(30, 120))
            if oriented < add_days(end, -20) and rng.random() < (0.8 if p.in_work else 0.55):
                p.oriented = oriented

    # --- officers ---------------------------------------------------------------------------

    def officers(self, area: Area, profile: Profile, people: list[Participant]) -> None:
        """Enough officers for the caseload at the end of the newest report month at 85 % of the
        norm (SPEC §5 "Caseload"), the area's demo officers first, and each case given to the
        officer with the lowest share of their norm when it began. In one area one AF officer
        carries half again as much, so the dashboard flags them as above the norm."""
        day = add_months(self.report_months[-1], 1) - dt.timedelta(days=1)
        rules = RuleSet.for_date(day)
        open_then = sum(1 for p in people if self.began(p) <= day < p.end)
        team, _ = Team.objects.get_or_create(area=area, name="Team 2")
        roles = {r.code: r for r in Role.objects.filter(code__in=["fk_officer", "af_officer"])}
        ordered = sorted(people, key=self.began)
        for prefix, norm in (("fk", rules.norm_fk), ("af", rules.norm_af)):
            count = max(2, math.ceil(open_then / (norm * STAFFING)))
            pool = []  # [user, weight, planned end dates of their open cases]
            for n in range(1, count + 1):
                username = f"{prefix}.{area.code}" if n == 1 else f"{prefix}{n}.{area.code}"
                user = get_user_model().objects.filter(username=username).first()
                user = user or self.officer(username, roles[f"{prefix}_officer"], area, team)
                heavy = prefix == "af" and profile.heavy_af and n == 2
                pool.append([user, 1.5 if heavy else 1.0, []])
            for p in ordered:
                began = self.began(p)
                for entry in pool:
                    entry[2] = [end for end in entry[2] if end > began]
                chosen = min(pool, key=lambda entry: (len(entry[2]) + 1) / entry[1])
                chosen[2].append(p.end)
                setattr(p, f"{prefix}_officer", chosen[0])

    def officer(self, username: str, role: Role, area: Area, team: Team):
        woman = self.rng.random() < 0.6
        user = get_user_model().objects.create(
            username=username,
            first_name=self.fake.first_name_female() if woman else self.fake.first_name_male(),
            last_name=self.fake.last_name(),
        )
        # They hold the history's cases; nobody logs in as them.
        user.set_unusable_password()
        user.save(update_fields=["password"])
        profile = StaffProfile.objects.create(user=user, role=role, agency=role.agency)
        profile.areas.add(area)
        profile.teams.add(team)
        return user
