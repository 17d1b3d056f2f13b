"""The national organisation (SPEC §2): collaboration areas of unequal size, each with its office
units, preparation group, teams of FK and AF officers staffed for its caseload, a coordinator,
and a work plan for every year of the history.

Area sizes follow a Zipf-like law over the areas (the metropolitan areas first, as the real
ones): the area of rank k gets a share proportional to 1 / k^0.85. Officers are staffed so that
each carries about 60–70 open cases of their agency (FK about 68, AF about 62), from the open
cases the area is expected to have on an ordinary day: about 8 000 per 15 000 yearly
participants (SPEC §5 "Caseload")."""

from __future__ import annotations

import bisect
import datetime as dt
import math
from dataclasses import dataclass, field

from .copying import FALSE, NULL, TRUE, Batch, Days, Ids, text

ZIPF_EXPONENT = 0.85
OPEN_PER_YEARLY = 8000 / 15000
CASES_PER_FK_OFFICER = 68
CASES_PER_AF_OFFICER = 62
TEAM_SIZE = 3  # officers of each agency in a team
SEASON = (1.05, 1.10, 1.05, 1.00, 0.95, 0.90, 0.60, 0.85, 1.15, 1.15, 1.05, 0.80)

AREA_NAMES = (
    "Stockholm city", "Södertörn", "Norra Stockholm", "Västra Stockholm", "Göteborg",
    "Göteborg Nordost", "Malmö", "Uppsala", "Linköping", "Örebro", "Västerås", "Helsingborg",
    "Norrköping", "Jönköping", "Umeå", "Lund", "Borås", "Eskilstuna", "Gävle", "Sundsvall",
    "Södertälje", "Karlstad", "Växjö", "Halmstad", "Luleå", "Trollhättan", "Östersund",
    "Borlänge", "Falun", "Kalmar", "Kristianstad", "Skövde", "Karlskrona", "Uddevalla",
    "Nyköping", "Varberg", "Motala", "Visby", "Skellefteå", "Piteå", "Kiruna", "Örnsköldsvik",
    "Härnösand", "Hudiksvall", "Sandviken", "Köping", "Enköping", "Norrtälje", "Katrineholm",
    "Lidköping", "Alingsås", "Kungsbacka", "Landskrona", "Trelleborg", "Ystad", "Hässleholm",
    "Ljungby", "Värnamo", "Nässjö", "Västervik", "Oskarshamn", "Mora", "Ludvika", "Arvika",
    "Kristinehamn", "Karlskoga", "Lycksele", "Sollefteå",
)  # fmt: skip

# The area codes and user names the generator writes (checked for clashes before it starts).
AREA_CODE = "nat{:03d}"


@dataclass
class AreaInfo:
    id: int
    code: str
    name: str
    share: float
    work_share: float  # share in work or education on day 365, before noise
    women_weight: float  # > 1: women reach work or education more often than men
    fk: list[int] = field(default_factory=list)
    af: list[int] = field(default_factory=list)
    teams: list[tuple[list[int], list[int]]] = field(default_factory=list)  # (fk ids, af ids)
    team_ids: list[int] = field(default_factory=list)
    coordinator: int = 0
    name_text: str = ""  # the name escaped for COPY
    lfc: int = 0  # the area's office units (SPEC §2): FK's lokalt försäkringscenter
    amo: int = 0  # and AF's arbetsmarknadsområde

    def offices_of(self, record_id: int) -> tuple[str, str]:
        """The (fk_office_id, af_office_id) of a case or mapping: the area's, except for one
        record in twenty, registered before the offices were recorded (the status report's
        "Kontor inte registrerat" row). Decided by the id, so the draws stay as they were."""
        if record_id % 20 == 0:
            return NULL, NULL
        return str(self.lfc), str(self.amo)


@dataclass
class Organisation:
    areas: list[AreaInfo]
    usernames: dict[int, str]
    cumulative: list[float]  # cumulative area shares, for drawing an area

    def area_for(self, draw: float) -> AreaInfo:
        index = bisect.bisect_right(self.cumulative, draw * self.cumulative[-1])
        return self.areas[min(index, len(self.areas) - 1)]


def area_names(count: int) -> list[str]:
    names = list(AREA_NAMES[:count])
    names += [f"Samverkansområde {n}" for n in range(len(names) + 1, count + 1)]
    return names


def zipf_shares(count: int) -> list[float]:
    weights = [1 / (rank**ZIPF_EXPONENT) for rank in range(1, count + 1)]
    total = sum(weights)
    return [w / total for w in weights]


def officers_needed(open_cases: float, per_officer: int) -> int:
    return max(1, round(open_cases / per_officer))


class OrganisationWriter:
    """Writes the organisation's rows into a batch and returns what the people need of it."""

    def __init__(self, *, rng, batch: Batch, ids: Ids, days: Days, refs, names, today: int):
        self.rng, self.batch, self.ids, self.days = rng, batch, ids, days
        self.refs, self.names, self.today = refs, names, today
        self.joined = days.at(today - 3653, 7 * 60)

    def write(self, *, areas: int, participants: int, password_hash: str) -> Organisation:
        rng, now = self.rng, self.joined
        yearly = participants * 1.04 / 10
        infos, usernames = [], {}
        for rank, (name, share) in enumerate(
            zip(area_names(areas), zipf_shares(areas), strict=True), start=1
        ):
            code = AREA_CODE.format(rank)
            info = AreaInfo(
                id=self.ids.take("accounts_area"),
                code=code,
                name=name,
                share=share,
                work_share=0.35 + 0.12 * rng.random(),
                women_weight=0.8 + 0.6 * rng.random(),
                name_text=text(name),
            )
            self.batch.add("accounts_area", str(info.id), code, text(name), TRUE, now, now)
            units = {}
            for kind, prefix in (("AMO", "AMO"), ("LFC", "LFC")):
                units[kind] = self.ids.take("accounts_officeunit")
                self.batch.add(
                    "accounts_officeunit",
                    str(units[kind]),
                    str(info.id),
                    kind,
                    f"{code}-{kind.lower()}",
                    text(f"{prefix} {name}"),
                )
            info.lfc, info.amo = units["LFC"], units["AMO"]
            group = self.ids.take("accounts_preparationgroup")
            self.batch.add(
                "accounts_preparationgroup",
                str(group),
                str(info.id),
                text(f"Beredningsgrupp {name}"),
            )
            open_cases = yearly * share * OPEN_PER_YEARLY
            fk_count = officers_needed(open_cases, CASES_PER_FK_OFFICER)
            af_count = officers_needed(open_cases, CASES_PER_AF_OFFICER)
            team_count = max(1, math.ceil(max(fk_count, af_count) / TEAM_SIZE))
            for n in range(1, team_count + 1):
                team = self.ids.take("accounts_team")
                info.team_ids.append(team)
                info.teams.append(([], []))
                self.batch.add("accounts_team", str(team), str(info.id), f"Team {n}")
            for prefix, count, role, agency, unit, ids in (
                ("fk", fk_count, "fk_officer", "FK", units["LFC"], info.fk),
                ("af", af_count, "af_officer", "AF", units["AMO"], info.af),
            ):
                for n in range(1, count + 1):
                    team = (n - 1) % team_count
                    user = self._staff(
                        f"{prefix}{n}.{code}", role, agency, unit, info, team, password_hash
                    )
                    ids.append(user)
                    info.teams[team][0 if prefix == "fk" else 1].append(user)
                    usernames[user] = f"{prefix}{n}.{code}"
            agency = "FK" if rank % 2 else "AF"
            unit = units["LFC" if agency == "FK" else "AMO"]
            info.coordinator = self._staff(
                f"samordnare.{code}", "coordinator", agency, unit, info, None, password_hash
            )
            usernames[info.coordinator] = f"samordnare.{code}"
            infos.append(info)
        cumulative, total = [], 0.0
        for info in infos:
            total += info.share
            cumulative.append(total)
        return Organisation(areas=infos, usernames=usernames, cumulative=cumulative)

    def _staff(self, username, role, agency, unit, area, team, password_hash) -> int:
        rng, batch, now = self.rng, self.batch, self.joined
        user = self.ids.take("auth_user")
        woman = rng.random() < 0.6
        first = self.names.first(rng, "K" if woman else "M")
        last = self.names.last(rng)
        batch.add(
            "auth_user",
            str(user),
            password_hash,
            NULL,
            FALSE,
            username,
            first,
            last,
            f"{username}@samverkan.example",
            FALSE,
            TRUE,
            now,
        )
        profile = self.ids.take("accounts_staffprofile")
        batch.add(
            "accounts_staffprofile",
            str(profile),
            str(user),
            str(self.refs.agencies[agency]),
            str(self.refs.roles[role]),
            str(unit),
            "1.00",
            now,
            now,
        )
        batch.add(
            "accounts_staffprofile_areas",
            str(self.ids.take("accounts_staffprofile_areas")),
            str(profile),
            str(area.id),
        )
        if team is not None:
            batch.add(
                "accounts_staffprofile_teams",
                str(self.ids.take("accounts_staffprofile_teams")),
                str(profile),
                str(area.team_ids[team]),
            )
        return user

    def work_plans(self, org: Organisation, *, participants: int) -> None:
        """Each area's work plan for every year of the history, written by its coordinator at
        the turn of the year: the inflow the history is drawn around (by season), the goals of
        the 2010 plan and the staffing the officers make."""
        first_year = dt.date.fromordinal(self.today - 3653).year
        last_year = dt.date.fromordinal(self.today).year
        monthly = participants * 1.04 / 120
        for area in org.areas:
            for year in range(first_year, last_year + 1):
                plan_id = self.ids.take("reporting_workplan")
                inflow = (
                    "{"
                    + ",".join(
                        str(max(0, round(monthly * area.share * SEASON[m]))) for m in range(12)
                    )
                    + "}"
                )
                written = self.days.at(
                    max(dt.date(year, 1, 2).toordinal() - 20, self.days.base), 9 * 60
                )
                common = (
                    str(plan_id),
                    str(area.id),
                    str(year),
                    inflow,
                    "40",
                    "230",
                    f"{len(area.af)}.0",
                    f"{len(area.fk)}.0",
                    "10",
                    # no workflow text or per-group inflow; a draft, as the plans from before
                    # the national group decided them (reporting 0012)
                    "",
                    "{}",
                    "draft",
                    "",
                )
                coordinator = str(area.coordinator)
                self.batch.add("reporting_workplan", *common, "1", coordinator, written, written)
                self.batch.add(
                    "reporting_historicalworkplan",
                    *common,
                    coordinator,
                    written,
                    str(self.ids.take("reporting_historicalworkplan")),
                    written,
                    NULL,
                    "+",
                    coordinator,
                )
