"""What happens around a case (SPEC §3–§4), as rows: the meetings (the preparation group,
follow-ups while it runs, now and then an employer consultation), for some the joint mapping
whose decision opened it (demo.national.mappings), the situation at start and end, the
individual plan and the interventions from introduction and trial on, and the closing
documentation confirmed by FK.

Each row is built to pass the checks the services make, as demo.history does: nothing after
today, a plan before introduction and trial, interventions within the case, the follow-up of an
employer consultation not before the meeting, a confirmed document sent and confirmed."""

from __future__ import annotations

# The interventions, goals and plan texts the demo's own history writes, the same here.
from demo.history.rows import GOALS, ORIENTED, PLAN_ACTIVITIES, PLAN_GOAL, PREPARATORY

from .copying import FALSE, NULL, flag
from .draws import between, one_of, within
from .lives import Case
from .mappings import PERSON_FK_AF, Mappings
from .timeline import WORKING

CLOSING_TEXT = (
    "Behovsanalys, arbetsförberedande insatser och uppföljning var fjärde vecka.",
    "Samverkan avslutad; se statusen vid avslut.",
    "Situationen vid avslut är registrerad i ärendet.",
    "Fortsatt ordinarie stöd från Arbetsförmedlingen vid behov.",
)
# Days between follow-up meetings while a case runs: about every seven weeks. Fewer than the
# four-week cadence the worklist flags (SPEC §5), so that some open cases carry that flag, and
# because the meetings and their history are the largest share of a participant's rows, what
# a national run's minutes depend on most.
FOLLOW_UP_GAP = (35, 63)
NO_MEASURES = "[]"


class Support:
    def __init__(self, ctx):
        self.ctx = ctx
        self.mappings = Mappings(ctx, self)

    def case_support(self, person: int, c: Case) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        if rng.random() < 0.4:
            self.mappings.case_mapping(person, c)
        self.meeting(person, c, "beredningsgrupp", c.referral, '["FK", "AF"]', c.fk)
        if c.start is None or c.start > ctx.today:
            return
        last = min(c.end, ctx.today)
        day = c.start + between(rng, 14, 28)
        low, high = FOLLOW_UP_GAP
        while day <= last:
            self.meeting(person, c, "follow_up", day, PERSON_FK_AF, c.af)
            day += between(rng, low, high)
        if c.target == "employed_cannot_return" and rng.random() < 0.3:
            self.consultation(person, c)
        self.situations(c)
        self.interventions(c)
        if c.doc is not None:
            self.closing_document(c)

    # --- meetings and mappings ---------------------------------------------------------------

    def meeting(self, person, c, kind, day, participants, by, mapping=None, notes="") -> None:
        """A meeting and its history's creation row (the most numerous rows: joined once)."""
        ctx = self.ctx
        d, take, lines = ctx.days, ctx.ids.take, ctx.batch.lines
        when = d.at(day, within(ctx.rng, 480, 960))
        by = str(by)
        core = "\t".join(
            (
                str(take("mapping_meeting")),
                str(person),
                NULL if mapping is None else str(mapping),
                NULL if c is None else str(c.id),
                kind,
                d(day),
                participants,
                notes,
                "",
                "",
                NO_MEASURES,
                "",
                NULL,
                "",
                "",
            )
        )
        lines["mapping_meeting"].append(f"{core}\t1\t{by}\t{when}\t{when}")
        history = take("mapping_historicalmeeting")
        lines["mapping_historicalmeeting"].append(
            f"{core}\t{by}\t{when}\t{history}\t{when}\t{NULL}\t+\t{by}"
        )

    def consultation(self, person: int, c: Case) -> None:
        """Konsultativt stöd till arbetsgivaren, with its follow-up two months on."""
        ctx, rng = self.ctx, self.ctx.rng
        d, take = ctx.days, ctx.ids.take
        day = c.start + between(rng, 20, 60)
        if day > min(c.end, ctx.today):
            return
        follow_up = day + 60
        result = one_of(rng, ("kept", "kept", "kept_other_duties", "ended"))
        done = follow_up <= ctx.today
        when = d.at(day, within(rng, 480, 960))
        values = (
            str(take("mapping_meeting")),
            str(person),
            NULL,
            str(c.id),
            "employer_consultation",
            d(day),
            '["person", "AF", "employer"]',
            "",
            "Arbetsgivaren i området AB",
            "keep_employment",
            '["adaptation", "working_hours"]',
            "",
            d(follow_up),
            result if done else "",
            "Uppföljningen hölls med arbetsgivaren." if done else "",
        )
        af = str(c.af)
        ctx.batch.add("mapping_meeting", *values, "1", af, when, when)
        ctx.batch.add(
            "mapping_historicalmeeting",
            *values,
            af,
            when,
            str(take("mapping_historicalmeeting")),
            when,
            NULL,
            "+",
            af,
        )

    def situations(self, c: Case) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        employed = c.target == "employed_cannot_return"
        rows = [
            (
                "start",
                flag(not employed or rng.random() < 0.3),
                flag(employed),
                NULL,
                "no",
                NULL,
                FALSE,
                str(between(rng, 0, 48)),
            )
        ]
        if c.closed:
            code = c.end_code
            working = WORKING.get(code, "no")
            rows.append(
                (
                    "end",
                    flag(code != "work_unsubsidised"),
                    flag(code in WORKING),
                    flag(code == "self_employed"),
                    working,
                    str(one_of(rng, (50, 75, 100))) if code in WORKING else NULL,
                    flag(code == "education"),
                    NULL,
                )
            )
        take, batch = ctx.ids.take, ctx.batch
        for moment, registered, employed_, own, working, share, studying, months in rows:
            day = c.start if moment == "start" else c.end
            values = (
                str(take("cases_situation")),
                str(c.id),
                moment,
                registered,
                employed_,
                "",
                own,
                working,
                share,
                studying,
                months,
            )
            batch.add("cases_situation", *values)
            batch.add(
                "cases_historicalsituation",
                *values,
                str(take("cases_historicalsituation")),
                ctx.days.at(day, 16 * 60),
                NULL,
                "+",
                str(c.fk),
            )

    def interventions(self, c: Case) -> None:
        """Work-preparatory support from introduction and trial, and for some a move to
        work-oriented support (a registration point, SPEC §3), both ending with the case."""
        ctx, rng = self.ctx, self.ctx.rng
        today = ctx.today
        if c.intro is None or c.intro > today:
            return
        d, take, batch = ctx.days, ctx.ids.take, ctx.batch
        planned = d.at(c.intro - 1, 13 * 60)
        batch.add(
            "mapping_planversion",
            str(take("mapping_planversion")),
            str(c.id),
            "1",
            PLAN_GOAL,
            PLAN_ACTIVITIES,
            d(c.intro),
            d(c.start + 365),
            str(c.fk),
            planned,
        )
        moved = c.oriented is not None and c.oriented <= today
        end = c.oriented if moved else (c.end if c.closed else None)
        prep = self.intervention(
            c,
            "work_preparatory",
            one_of(rng, PREPARATORY),
            one_of(rng, ("AF", "FK", "healthcare", "purchased")),
            one_of(rng, ("4.0", "6.0", "8.0", "10.0", "15.0", "20.0")),
            c.intro,
            end,
            one_of(rng, ("goal_reached", "partly_reached")) if end is not None else "",
            None,
        )
        if moved:
            closed = c.closed
            outcome = (
                "goal_reached" if c.in_work else one_of(rng, ("partly_reached", "not_reached"))
            )
            self.intervention(
                c,
                "work_oriented",
                one_of(rng, ORIENTED),
                one_of(rng, ("AF", "employer", "purchased")),
                one_of(rng, ("10.0", "15.0", "20.0", "25.0", "30.0")),
                c.oriented,
                c.end if closed else None,
                outcome if closed else "",
                prep,
            )

    def intervention(self, c, category, kind, provider, hours, start, end, outcome, moved_from):
        ctx = self.ctx
        d, take, batch = ctx.days, ctx.ids.take, ctx.batch
        intervention = take("mapping_intervention")
        af = str(c.af)
        created = d.at(start, 9 * 60)
        values = [
            str(intervention),
            str(c.id),
            category,
            kind,
            provider,
            "",
            hours,
            d(start),
            d(start),
            d(end),
            GOALS[category],
            "",
            outcome,
            NULL if moved_from is None else str(moved_from),
        ]
        ended = d.at(end, 15 * 60) if end is not None else created
        batch.add(
            "mapping_intervention",
            *values,
            "2" if end is not None else "1",
            af,
            created,
            ended,
        )
        versions = [(values, created, "+")]
        if end is not None:
            versions = [(values[:9] + [NULL, values[10], "", ""] + values[13:], created, "+")]
            versions.append((values, ended, "~"))
        for row, when, kind_ in versions:
            batch.add(
                "mapping_historicalintervention",
                *row,
                af,
                created,
                str(take("mapping_historicalintervention")),
                when,
                NULL,
                kind_,
                af,
            )
        return intervention

    def closing_document(self, c: Case) -> None:
        """Written by AF's officer the day the case ended, sent to FK and confirmed by FK's
        officer on the case's closing_doc_date (mapping.services.closing_document_confirm)."""
        ctx, rng = self.ctx, self.ctx.rng
        d, take, batch = ctx.days, ctx.ids.take, ctx.batch
        document = str(take("mapping_closingdocument"))
        af, fk = str(c.af), str(c.fk)
        created = d.at(c.end, 10 * 60)
        submitted = d.at(max(c.end, c.doc - between(rng, 0, 3)), 11 * 60)
        confirmed = d.at(c.doc, 14 * 60)
        done = (document, str(c.id), *CLOSING_TEXT, submitted, af, "", d(c.doc), confirmed, fk)
        batch.add("mapping_closingdocument", *done, "3", af, created, confirmed)
        draft = (document, str(c.id), *CLOSING_TEXT, NULL, NULL, "", NULL, NULL, NULL)
        for values, when, kind in ((draft, created, "+"), (done, confirmed, "~")):
            batch.add(
                "mapping_historicalclosingdocument",
                *values,
                af,
                created,
                str(take("mapping_historicalclosingdocument")),
                when,
                NULL,
                kind,
                af if kind == "+" else fk,
            )
