"""The access log (SPEC §7) of the history: staff opening people and cases of their own area,
on working days' hours, while the case ran and for a month after it ended.

Most openings are an officer's own caseload, then the team's and the coordinator's; a few are
outside the caseload with a stated reason (break the glass) and a few are refused because no
reason was given (cases.access: the same purposes, in the same words). The log's total is
exactly the number asked for: participant i gets floor((i+1)·M/N) − floor(i·M/N) entries."""

from __future__ import annotations

from cases.access import PURPOSE_LABELS, REASON_REQUIRED

from .copying import FALSE, TRUE
from .draws import one_of, within

OWN = PURPOSE_LABELS["own_caseload"]
TEAM = PURPOSE_LABELS["team_caseload"]
COORDINATOR = PURPOSE_LABELS["area_wide"]
REASONS = (
    "Vikarierar för ordinarie handläggare under semester.",
    "Deltagaren ringde och bad om besked i ärendet.",
    "Förbereder beredningsgruppens möte i veckan.",
)


class AccessLogWriter:
    def __init__(self, ctx, total_rows: int):
        self.ctx = ctx
        self.total_rows = total_rows
        self.addresses: dict[int, str] = {}

    def count_for(self, index: int) -> int:
        n, m = self.ctx.total, self.total_rows
        return (index + 1) * m // n - index * m // n

    def address(self, user: int) -> str:
        found = self.addresses.get(user)
        if found is None:
            found = f"10.{40 + (user >> 16) % 200}.{(user >> 8) & 255}.{user & 255}"
            self.addresses[user] = found
        return found

    def rows(self, index: int, person: int, cases) -> None:
        count = self.count_for(index)
        if not count:
            return
        ctx, rng = self.ctx, self.ctx.rng
        d, take, add = ctx.days, ctx.ids.take, ctx.batch.add
        usernames, today = ctx.org.usernames, ctx.today
        for _ in range(count):
            c = cases[0] if len(cases) == 1 else one_of(rng, cases)
            area = c.area
            last = min(c.last_day(today) + 30, today)
            day = c.referral + within(rng, 0, max(1, last - c.referral + 1))
            when = d.at(day, within(rng, 420, 960))
            draw = rng.random()
            action, outside = "view", FALSE
            fks, afs = area.teams[c.team]
            if draw < 0.62:
                user = c.fk if draw < 0.31 else c.af
                purpose = OWN
            elif draw < 0.77:
                user = one_of(rng, fks or afs) if draw < 0.70 else one_of(rng, afs or fks)
                purpose = OWN if user in (c.fk, c.af) else TEAM
            elif draw < 0.93:
                user, purpose = area.coordinator, COORDINATOR
            else:
                others = [u for u in area.fk if u not in fks] + [u for u in area.af if u not in afs]
                user = one_of(rng, others) if others else area.coordinator
                if not others:
                    purpose = COORDINATOR
                elif draw < 0.98:
                    action, outside = "break_glass", TRUE
                    purpose = one_of(rng, REASONS)
                else:
                    action, outside, purpose = "denied", TRUE, REASON_REQUIRED
            if action == "view" and rng.random() < 0.12:
                action = "update"
            if rng.random() < 0.6 or action != "view":
                kind, object_id, path = "person", str(person), f"/personer/{person}/"
            else:
                kind, object_id, path = "case", str(c.id), f"/arenden/{c.id}/"
            add(
                "audit_accesslog",
                str(take("audit_accesslog")),
                when,
                str(user),
                usernames[user],
                action,
                kind,
                object_id,
                str(person),
                str(area.id),
                purpose,
                outside,
                self.address(user),
                path,
            )
