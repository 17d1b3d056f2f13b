"""One participant's life in samverkan, planned and written as rows: the person, and one to three
cases over the years (never two open at once: the next is referred after the last one closed),
each with its phases, consent, AF status timeline and situations (SPEC §3). The meetings,
mappings, plans, interventions and closing documentation of a case: demo.national.support.

The shape follows the demo history (demo.history.plan: its target groups, exits and the
statuses they end with), so the dashboard tells a plausible story at any scale: most cases run
from the preparation group through the needs analysis to introduction and trial, and end within
365 days of the start (rule 2); the share in work or education on day 365 is drawn per area,
women and men differing in each area in their own way."""

from __future__ import annotations

from demo.history.plan import OTHER_EXITS, TARGET_GROUPS

from .copying import FALSE, NULL, TRUE, flag
from .draws import between, one_of, within
from .people import birth_for
from .timeline import Timeline, pick

WOMEN = 0.58
EDUCATION = (("forgymnasial", 24), ("gymnasial", 68), ("eftergymnasial", 90), ("okand", 100))
GROUPS = [(str(group), weight, benefits) for group, weight, benefits in TARGET_GROUPS]
GROUP_TOTAL = sum(weight for _, weight, _ in GROUPS)
EXITS = [(reason, weight, span) for reason, weight, span, _ in OTHER_EXITS]
EXIT_TOTAL = sum(weight for _, weight, _ in EXITS)


class Case:
    """One planned participation period; dates are day numbers, None where not (yet) reached."""

    __slots__ = (
        "id", "area", "fk", "af", "team", "referral", "start", "end", "closed", "exit",
        "target", "benefit", "benefit_end", "sick_leave", "consent", "in_work", "intro",
        "oriented", "doc", "young", "end_code",
    )  # fmt: skip

    def steps(self, today: int) -> list[tuple[str, int]]:
        """The phases reached by `today`, with the day each began."""
        steps = [("referred", self.referral)]
        if self.start is not None and self.start <= today:
            steps.append(("needs_analysis", self.start))
            if self.intro is not None and self.intro <= today:
                steps.append(("introduction_trial", self.intro))
            if self.oriented is not None and self.oriented <= today:
                steps.append(("work_oriented", self.oriented))
        if self.closed:
            steps.append(("closed", self.end))
        return steps

    @property
    def started(self) -> bool:
        return self.start is not None

    def last_day(self, today: int) -> int:
        return self.end if self.closed else today


def _weighted(rng, items, total):
    """(name, what goes with it) of `items` of (name, weight, what), drawn by weight."""
    draw = rng.random() * total
    for name, weight, detail in items:
        draw -= weight
        if draw < 0:
            return name, detail
    return items[-1][0], items[-1][2]


class Lives:
    """Writes participants; `ctx` holds the generator, the batch, ids, days and organisation."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.timeline = Timeline(ctx)

    # --- planning -----------------------------------------------------------------------------

    def plan_case(self, area, referral: int, sex: str, young: bool) -> Case:
        ctx, rng = self.ctx, self.ctx.rng
        c = Case()
        c.id = ctx.ids.take("cases_case")
        c.area, c.referral, c.young = area, referral, young
        team = within(rng, 0, len(area.teams))
        fks, afs = area.teams[team]
        c.team = team
        c.fk = one_of(rng, fks or area.fk)
        c.af = one_of(rng, afs or area.af)
        if young and rng.random() < 0.45:
            c.target, c.benefit = "young_activity_comp", "aktivitetsersattning"
        else:
            group, benefits = _weighted(rng, GROUPS, GROUP_TOTAL)
            c.target, c.benefit = group, one_of(rng, benefits)
        draw = rng.random()
        c.consent = "none" if draw < 0.05 else "sharing_only" if draw < 0.07 else "full"
        if c.consent == "full" and draw < 0.10:
            c.consent = "withdrawn"
        late = rng.random() >= 0.92  # rule 1: at most 14 days, now and then more
        start = referral + (between(rng, 15, 20) if late else between(rng, 3, 14))
        c.sick_leave = c.benefit_end = None
        if c.benefit in ("sjukpenning", "rehabiliteringspenning"):
            c.sick_leave = start - between(rng, 90, 900)
            low, high = (120, 184) if rng.random() < 0.1 else (185, 800)
            c.benefit_end = start + between(rng, low, high)
        elif c.benefit in ("aktivitetsersattning", "tidsbegransad_sjukersattning"):
            c.benefit_end = start + between(rng, 200, 1000)
        c.intro = c.oriented = c.doc = None
        if rng.random() < 0.03:  # the preparation group did not admit them: never started
            c.start, c.in_work, c.exit = None, False, "not_admitted"
            c.end = referral + between(rng, 0, 7)
            c.closed = c.end <= ctx.today
            return c
        c.start = start
        share = area.work_share * (area.women_weight if sex == "K" else 1.0)
        c.in_work = rng.random() < share / (WOMEN * area.women_weight + 1 - WOMEN)
        if c.consent == "withdrawn":
            c.exit, days = "aborted_consent_withdrawn", between(rng, 30, 200)
        elif c.in_work and rng.random() < 0.85:
            c.exit, days = "completed", int(rng.triangular(150, 365, 280))
        elif c.in_work:  # left for a job before the plan was done
            c.exit, days = "aborted_own_initiative", between(rng, 60, 250)
        else:
            reason, (low, high) = _weighted(rng, EXITS, EXIT_TOTAL)
            c.exit, days = reason, between(rng, low, high)
        end = start + min(days, 365)
        if c.benefit_end is not None and start + 60 <= c.benefit_end < end:
            end = c.benefit_end  # rule 6: the case closes when the benefit ends
            if not c.in_work and c.exit != "aborted_consent_withdrawn":
                c.exit = "benefit_ended"
        elif c.exit == "benefit_ended":
            c.exit = "completed"
        c.end = end
        c.closed = end <= ctx.today
        intro = start + between(rng, 10, 35)
        if intro < end - 10:
            c.intro = intro
            oriented = intro + between(rng, 30, 120)
            if oriented < end - 20 and rng.random() < (0.8 if c.in_work else 0.55):
                c.oriented = oriented
        if c.closed:
            doc = end + (between(rng, 3, 19) if rng.random() < 0.85 else 26)
            c.doc = doc if doc <= ctx.today else None
        return c

    # --- the participant ---------------------------------------------------------------------

    def participant(self, index: int) -> tuple[int, list[Case]]:
        """Write one participant (person, cases and everything around them); returns the
        person's id and cases."""
        ctx, rng = self.ctx, self.ctx.rng
        area = ctx.org.area_for(rng.random())
        referral = ctx.window + int((index + rng.random()) * ctx.span / ctx.total)
        sex = "K" if rng.random() < WOMEN else "M"
        young = rng.random() < 0.2
        age = between(rng, 19, 29) if young else min(63, int(rng.triangular(30, 64, 50)))
        abroad = rng.random() < 0.28
        coordination = abroad and rng.random() < 0.05
        number, birth = ctx.numbers.take(birth_for(rng, referral + 8, age), sex, coordination)
        person = ctx.ids.take("cases_person")
        cases: list[Case] = []
        draw = rng.random()
        wanted = 3 if draw < 0.01 else 2 if draw < 0.045 else 1
        if age > 58:
            wanted = 1
        statuses: dict[int, tuple[str, int]] = {}
        while True:
            case = self.plan_case(area, referral, sex, young and not cases)
            cases.append(case)
            if len(cases) == wanted or not case.closed:
                break
            # The next referral comes after the earlier case's day 365, its outcome measured.
            referral = case.end + between(rng, 90, 720)
            if case.start is not None:
                referral = max(referral, case.start + 366)
            if referral >= ctx.today:
                break
        # Registered with the first joint mapping's request (an earlier mapping for a few, the
        # case's own up to 60 days before the preparation group) or before the referral.
        earlier = cases[0].referral - between(rng, 200, 500) if rng.random() < 0.06 else None
        registered = earlier if earlier is not None else cases[0].referral - between(rng, 61, 90)
        self.person_rows(
            person, number, coordination, sex, birth, abroad, area, cases[0], registered
        )
        support = ctx.support
        if earlier is not None:
            support.mappings.earlier_mapping(person, cases[0], earlier)
        for case in cases:
            self.case_rows(person, case)
            self.timeline.consent_rows(person, case)
            self.timeline.status_timeline(case, statuses)
            support.case_support(person, case)
        self.timeline.status_rows(person, statuses)
        return person, cases

    def person_rows(self, person, number, coordination, sex, birth, abroad, area, first, day):
        ctx, rng, d = self.ctx, self.ctx.rng, self.ctx.days
        created = d.at(day, within(rng, 420, 470))  # before anything else of the day
        education = pick(rng, [e for e, _ in EDUCATION], [w for _, w in EDUCATION])
        disability = (rng.random() < 0.3) if rng.random() < 0.92 else None
        phone = (
            f"07{between(rng, 0, 9)}-{between(rng, 1000000, 9999999)}" if rng.random() < 0.7 else ""
        )
        values = (
            str(person),
            number,
            flag(coordination),
            ctx.names.first(rng, sex),
            ctx.names.last(rng),
            sex,
            d(birth),
            str(area.id),
            flag(abroad) if rng.random() < 0.96 else NULL,
            education,
            flag(disability),
            phone,
            "",
            ctx.names.street(rng),
            str(between(rng, 10000, 98999)),
            area.name_text,
            TRUE if rng.random() < 0.005 else FALSE,
            str(first.fk),
        )
        batch = ctx.batch
        batch.add("cases_person", *values, "1", created, created)
        batch.add(
            "cases_historicalperson",
            *values,
            created,
            str(ctx.ids.take("cases_historicalperson")),
            created,
            NULL,
            "+",
            str(first.fk),
        )

    def case_rows(self, person: int, c: Case) -> None:
        ctx, rng, d, batch = self.ctx, self.ctx.rng, self.ctx.days, self.ctx.batch
        steps = c.steps(ctx.today)
        fk, af = str(c.fk), str(c.af)
        head = (str(person), str(c.area.id), fk, af, *c.area.offices_of(c.id), c.target, c.benefit)
        facts = (
            d(c.benefit_end),
            d(c.sick_leave),
            flag(c.target == "employed_cannot_return"),
            "",
            "",
        )
        referral = d(c.referral)
        started = d(c.start) if c.start is not None and c.start <= ctx.today else NULL
        created = d.at(c.referral, within(rng, 480, 900))
        last_change = created
        versions = []  # (phase, start, end, exit, doc, when, by)
        previous = ""
        for phase, day in steps:
            when = created if phase == "referred" else d.at(day, within(rng, 480, 960))
            by = fk if phase in ("referred", "needs_analysis", "closed") else af
            batch.add(
                "cases_phasetransition",
                str(ctx.ids.take("cases_phasetransition")),
                str(c.id),
                previous,
                phase,
                d(day),
                "",
                by,
                when,
            )
            closed = phase == "closed"
            versions.append(
                (
                    phase,
                    NULL if phase == "referred" or c.start is None else started,
                    d(c.end) if closed else NULL,
                    c.exit if closed else "",
                    NULL,
                    when,
                    by,
                )
            )
            previous, last_change = phase, when
        if c.doc is not None:
            when = d.at(c.doc, 14 * 60 + within(rng, 0, 120))
            phase, start, end, exit_reason, _, _, _ = versions[-1]
            versions.append((phase, start, end, exit_reason, d(c.doc), when, fk))
            last_change = when
        phase, start, end, exit_reason, doc, _, _ = versions[-1]
        batch.add(
            "cases_case",
            str(c.id),
            *head,
            *facts,
            phase,
            referral,
            start,
            end,
            exit_reason,
            doc,
            str(len(versions)),
            created,
            last_change,
        )
        for kind, (phase, start, end, exit_reason, doc, when, by) in zip(
            ("+", *("~" * (len(versions) - 1))), versions, strict=True
        ):
            batch.add(
                "cases_historicalcase",
                str(c.id),
                *head,
                *facts,
                phase,
                referral,
                start,
                end,
                exit_reason,
                doc,
                created,
                str(ctx.ids.take("cases_historicalcase")),
                when,
                NULL,
                kind,
                by,
            )
