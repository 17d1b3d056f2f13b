"""A participant's consents and AF status timeline (SPEC §3, §5) around their cases: the
consent recorded at the referral (none, for sharing only, or withdrawn at the end for some), and
the statuses before and at the start, during work-oriented support, at the end and now and then
long after day 365. The status on day 365 is the one the case's plan chose."""

from __future__ import annotations

from demo.history.plan import END_STATUSES

from .copying import FALSE, NULL, TRUE, flag
from .draws import between, one_of, within

WORK_STATUSES = ("work_unsubsidised", "work_subsidised", "education", "self_employed")
WORK_WEIGHTS = (45, 70, 92, 100)  # cumulative
START_STATUSES = ("openly_unemployed", "other", "labour_market_programme")
START_WEIGHTS = (60, 85, 100)  # cumulative
LATER_STATUSES = ("openly_unemployed", "work_unsubsidised", "labour_market_programme", "other")
WORKING = {"work_unsubsidised": "unsubsidised", "work_subsidised": "subsidised"}


def pick(rng, items, cumulative_weights):
    draw = rng.random() * cumulative_weights[-1]
    for item, bound in zip(items, cumulative_weights, strict=True):
        if draw < bound:
            return item
    return items[-1]


class Timeline:
    def __init__(self, ctx):
        self.ctx = ctx

    def consent_rows(self, person: int, c) -> None:
        """The consent recorded at the referral by FK's officer (long since confirmed by AF);
        none for an anonymous participant, one for sharing only, or withdrawn at the end."""
        if c.consent == "none":
            return
        ctx, rng, d, batch = self.ctx, self.ctx.rng, self.ctx.days, self.ctx.batch
        consent = ctx.ids.take("cases_consent")
        given = c.referral - between(rng, 0, 10)
        created = d.at(c.referral, within(rng, 480, 960))
        withdrawn = c.end if c.consent == "withdrawn" and c.closed else None
        basis = "oral" if consent % 5 == 4 else "written"
        values = [
            str(consent),
            str(person),
            d(given),
            basis,
            "",
            FALSE,
            FALSE,
            NULL,
            TRUE,
            flag(c.consent != "sharing_only"),
            "",
            str(c.fk),
            "recorded",
            created,
        ]
        fk = str(c.fk)
        history = ctx.ids.take
        batch.add("cases_consent", *values[:7], d(withdrawn), *values[8:])
        batch.add(
            "cases_historicalconsent",
            *values,
            str(history("cases_historicalconsent")),
            created,
            NULL,
            "+",
            fk,
        )
        if withdrawn is not None:
            values[7] = d(withdrawn)
            batch.add(
                "cases_historicalconsent",
                *values,
                str(history("cases_historicalconsent")),
                d.at(withdrawn, within(rng, 480, 960)),
                NULL,
                "~",
                fk,
            )

    def status_timeline(self, c, entries: dict[int, tuple[str, int]]) -> None:
        """AF's statuses around one case (as demo.history.rows.status_timeline): before and at
        the start, during work-oriented support, at the end, and for some a change long after
        day 365, which never changes the outcome. The status on day 365 is the plan's.

        A later case of the same person is referred after the earlier one's day 365: its
        statuses replace the earlier case's changes from its referral on, and a status before
        its referral is kept only when it comes after everything already recorded."""
        rng, af = self.ctx.rng, c.af
        for day in [day for day in entries if day >= c.referral]:
            del entries[day]
        latest = max(entries, default=None)

        def before_referral(day: int, status: str) -> None:
            if latest is None or day > latest:
                entries[day] = (status, af)

        employed = c.target == "employed_cannot_return"
        c.end_code = None
        if c.start is None:
            first = "other" if employed else "openly_unemployed"
            before_referral(c.referral - between(rng, 0, 60), first)
            return
        if not employed and rng.random() < 0.5:
            before_referral(c.referral - between(rng, 30, 300), "openly_unemployed")
        if employed:
            entries[c.start] = ("other", af)
        else:
            entries[c.start] = (pick(rng, START_STATUSES, START_WEIGHTS), af)
        if c.oriented is not None and rng.random() < 0.5:
            entries[c.oriented] = ("labour_market_programme", af)
        day_365 = c.start + 365
        if c.in_work:
            code = pick(rng, WORK_STATUSES, WORK_WEIGHTS)
            later = day_365 - c.end
            if later >= 30 and rng.random() < 0.2:  # found work a while after the case ended
                entries[c.end] = ("openly_unemployed", af)
                entries[c.end + between(rng, 14, later)] = (code, af)
            else:
                entries[c.end] = (code, af)
        else:
            entries[c.end] = (one_of(rng, END_STATUSES[c.exit]), af)
        c.end_code = entries[c.end][0]
        if rng.random() < 0.35:
            entries[day_365 + between(rng, 20, 200)] = (one_of(rng, LATER_STATUSES), af)

    def status_rows(self, person: int, entries: dict[int, tuple[str, int]]) -> None:
        """The entries up to today, each with its history's creation row (joined once)."""
        ctx, d, codes = self.ctx, self.ctx.days, self.ctx.codes
        today, take = ctx.today, ctx.ids.take
        main = ctx.batch.lines["cases_statusentry"]
        history = ctx.batch.lines["cases_historicalstatusentry"]
        person = str(person)
        for day in sorted(entries):
            if day > today:
                continue
            code, af = entries[day]
            when = d.at(day, 600)
            entry = take("cases_statusentry")
            core = f"{entry}\t{person}\t{d(day)}\t{codes[code]}\t\t{af}\t{when}\t{when}"
            main.append(core)
            history.append(
                f"{core}\t{take('cases_historicalstatusentry')}\t{when}\t{NULL}\t+\t{af}"
            )
